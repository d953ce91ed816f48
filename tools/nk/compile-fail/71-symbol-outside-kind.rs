// SPDX-License-Identifier: GPL-2.0

//! A name `symbols:` gives an entry point is the link kind, `_` and
//! [a-z0-9_]: tools after the link look symbols up by name whatever their
//! binding (kallsyms `_text`, sorttable `__start_mcount_loc`), and theirs
//! start with `_`.

// expect: E0080
// expect-msg: is not the link kind, `_` and [a-z0-9_]
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
    symbols: { start_xmit: __nk_cf_start },
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
