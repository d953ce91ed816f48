// SPDX-License-Identifier: GPL-2.0

//! AF_XDP zero-copy can only be advertised by a driver whose `ndo_bpf` and
//! `ndo_xsk_wakeup` the core then calls forward to leased queues.

// expect: E0080
// expect-msg: AF_XDP zero-copy needs xsk_pool_enable and xsk_wakeup
// expect-emit: obj

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
    type Priv = ();

    fn priv_init() -> impl PinInit<()> {}

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
        mut dev: NewDevice<'a, Self>,
        _params: &NewLinkParams<'a, Self>,
        _extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        dev.set_xdp_features_xsk();
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
