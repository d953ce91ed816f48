// SPDX-License-Identifier: GPL-2.0

//! `net_symbols!`'s `@alias` step checks the name as `symbols:` does:
//! else a driver could name a local symbol after one that tools after the
//! link look up by name (sorttable's `__start_mcount_loc`).

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
}

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}

kernel::net_symbols!(@alias D, __start_mcount_loc, kernel::net::dev::Adapter::<D>::start_xmit);
