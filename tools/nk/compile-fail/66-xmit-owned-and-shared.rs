// SPDX-License-Identifier: GPL-2.0

//! A driver transmits owned skbs (`start_xmit`) or shared ones
//! (`start_xmit_shared`), not both: the core's `IFF_TX_SKB_SHARING` says
//! which the device takes.

// expect: E0080
// expect-msg: a driver has one of start_xmit and start_xmit_shared
// expect-emit: obj

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{SharedSkBuff, SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

#[vtable]
impl Driver for D {
    type Priv = ();

    fn priv_init() -> impl PinInit<()> {}

    fn setup(dev: &mut SetupDevice<Self>) {
        dev.ether_setup();
    }

    fn start_xmit<'a>(
        skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        skb.netif_rx(ctx);
        TxStatus::Success
    }

    fn start_xmit_shared<'a>(
        skb: SharedSkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        skb.consume(ctx);
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
