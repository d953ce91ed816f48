// SPDX-License-Identifier: GPL-2.0

//! `PEER_TYPE` must name a policy entry that checks for an `ifinfomsg`:
//! the core reads `data[peer_type]` and parses it as a peer's info.

// expect: E0080
// expect-msg: PEER_TYPE is not a PolicyEntry::peer_info() entry of POLICY

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

static POLICY: rtnl::Policy<2> =
    rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC, rtnl::PolicyEntry::peer_info()]);

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
    const PEER_TYPE: u16 = 5;

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
