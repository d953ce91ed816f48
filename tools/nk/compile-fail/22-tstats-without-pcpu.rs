// SPDX-License-Identifier: GPL-2.0

//! A driver whose devices have no per-cpu tstats cannot count into them.

// expect: E0080
// expect-msg: the driver's devices have no tstats
// expect-emit: obj

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

kernel::net_device_ops!(D);

#[vtable]
impl Driver for D {
    type Priv = ();

    fn priv_init() -> impl PinInit<()> {}

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit<'a>(
        skb: SkBuff<'a>,
        dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        dev.sw_netstats_tx_add(ctx, 1, skb.len());
        TxStatus::Success
    }
}

/// The module.
pub struct M;

impl kernel::Module for M {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(M)
    }
}

module! {
    type: M,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
