// SPDX-License-Identifier: GPL-2.0

//! A name `symbols:` gives an entry point is not one the bindings declare
//! (here `netkit_prog_attach`, of the right form): lookups by name of the C
//! symbol would find the alias too.

// expect: E0659
// expect-msg: is ambiguous

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{SkBuff, TxContext},
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
}

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"netkit";
}

kernel::module_net_driver! {
    type: D,
    symbols: { start_xmit: netkit_prog_attach },
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
