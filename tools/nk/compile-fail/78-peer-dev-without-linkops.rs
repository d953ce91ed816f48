// SPDX-License-Identifier: GPL-2.0

//! `export_peer_dev` needs the link kind (`LinkOps`), with or without
//! retpolines.

// expect: E0277

use kernel::net::dev::RcuHeld;
use kernel::{
    net::{
        dev::{Driver, DriverDevice, PcpuStats, SetupDevice, TxStatus},
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

/// The module's driver.
pub struct M;

#[vtable]
impl Driver for M {
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
impl LinkOps for M {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: M,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}

kernel::net_device_ops!(D, export_peer_dev = netkit_peer_dev);
