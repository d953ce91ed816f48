// SPDX-License-Identifier: GPL-2.0

//! The C function a driver exports as its `ndo_get_peer_dev` must be one
//! core code calls by that name: an exported name is global, so any other
//! (e.g. `memcpy`) could replace a symbol the kernel uses.

// expect: E0433

use kernel::{
    net::{
        dev::{Driver, DriverDevice, PcpuStats, RcuHeld, SetupDevice, TxStatus},
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

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: D,
    export_peer_dev: memcpy,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
