// SPDX-License-Identifier: GPL-2.0

//! A facility field in packed private data, below its type's alignment, is
//! refused (the abstraction would make a misaligned reference to it).

// expect: E0080
// expect-msg: the field is not aligned
// expect-emit: obj

use kernel::{
    net::{
        dev::{Driver, DriverDevice, PeerSlot, PrivField, SetupDevice, TxStatus},
        rtnl::{self, ExtAck, LinkOps, NewDevice, NewLinkDone, NewLinkParams, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

/// Packed private data: `peer` at offset 1.
#[repr(C, packed)]
pub struct P {
    a: u8,
    peer: PeerSlot,
}

static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);

#[vtable]
impl Driver for D {
    type Priv = P;
    const PAIR: Option<PrivField<Self, PeerSlot>> = Some(kernel::priv_field!(D, peer));

    fn priv_init() -> impl PinInit<P> {
        P {
            a: 0,
            peer: PeerSlot::new(),
        }
    }

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit<'a>(
        _skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        TxStatus::Success
    }
}

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
    const POLICY: &'static rtnl::PolicyTable = POLICY.table();

    fn newlink<'a>(
        rtnl: &'a Rtnl,
        dev: NewDevice<'a, Self>,
        _params: &NewLinkParams<'a, Self>,
        _extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        dev.register(rtnl, |_| {})
    }
}

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
