// SPDX-License-Identifier: GPL-2.0

//! The C function a driver exports as its `ndo_get_peer_dev` must be one a
//! C header declares with that prototype: an exported name is global, so
//! any other (e.g. `memcpy`) could replace a symbol the kernel uses.

// expect: E0308
// expect-msg: mismatched types

use kernel::{
    net::{
        dev::{Driver, DriverDevice, PcpuStats, RcuHeld, SetupDevice, TxStatus},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

kernel::net_device_ops!(D, export_peer_dev = memcpy);

#[vtable]
impl Driver for D {
    type Priv = ();

    const PCPU_STATS: PcpuStats = PcpuStats::Tstats;

    fn priv_init() -> impl PinInit<()> {}

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit<'a>(
        _skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        TxStatus::Success
    }

    fn get_peer_dev<'a>(
        _dev: &'a DriverDevice<Self>,
        _rcu: &'a RcuHeld,
    ) -> Option<&'a DriverDevice<Self>> {
        None
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
