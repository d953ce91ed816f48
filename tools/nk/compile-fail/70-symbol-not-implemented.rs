// SPDX-License-Identifier: GPL-2.0

//! `symbols:` names only entry points the driver implements: the table has
//! no `ndo_open` here, so a `nk_cf_open` would name code the core never
//! calls through it.

// expect: E0080
// expect-msg: `open` is named but not implemented
// expect-emit: obj

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
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: D,
    symbols: { start_xmit: nk_cf_xmit, open: nk_cf_open },
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
