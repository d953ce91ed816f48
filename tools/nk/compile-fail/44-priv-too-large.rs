// SPDX-License-Identifier: GPL-2.0

//! Private data too large for the `int` size `alloc_netdev_mqs()` takes is
//! refused (it would be truncated, and the device allocated too small).

// expect: E0080
// expect-msg: private data larger than alloc_netdev_mqs() can allocate

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::{self, ExtAck, LinkOps, NewDevice, NewLinkDone, NewLinkParams, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);

#[vtable]
impl Driver for D {
    type Priv = [u8; 1 << 32];

    fn priv_init() -> impl PinInit<[u8; 1 << 32]> {
        pin_init::init_zeroed()
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
