// SPDX-License-Identifier: GPL-2.0

//! Private data that needs dropping is refused: the core frees devices
//! without running a destructor on it.

// expect: E0080
// expect-msg: private data is never dropped

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
    type Priv = KVec<u8>;

    fn priv_init() -> impl PinInit<KVec<u8>> {
        KVec::new()
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
