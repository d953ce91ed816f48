// SPDX-License-Identifier: GPL-2.0

//! Private data aligned beyond `NETDEV_ALIGN` (what `netdev_priv()`
//! guarantees) is refused.

// expect: E0080
// expect-msg: private data aligned beyond NETDEV_ALIGN

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

/// Over-aligned private data.
#[repr(align(64))]
pub struct Big(u8);

#[vtable]
impl Driver for D {
    type Priv = Big;

    fn priv_init() -> impl PinInit<Big> {
        Big(0)
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
