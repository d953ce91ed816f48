// SPDX-License-Identifier: GPL-2.0

//! An skb of a device that takes shared skbs (`start_xmit_shared`, pktgen's
//! `clone_skb`) is in use elsewhere: it can be read and released, not
//! changed or handed on.

// expect: E0599

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{SharedSkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

#[vtable]
impl Driver for D {
    type Priv = ();

    fn priv_init() -> impl PinInit<()> {}

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit_shared<'a>(
        mut skb: SharedSkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        skb.reset_mac_header();
        skb.netif_rx(ctx);
        TxStatus::Success
    }
}

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
