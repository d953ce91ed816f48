// SPDX-License-Identifier: GPL-2.0

//! Per-cpu lstats exist only on devices of a driver that asks the core for
//! them (`PCPU_STATS = Lstats`); here the core allocated tstats.

// expect: E0080
// expect-msg: the driver's devices have no lstats
// expect-emit: obj

use kernel::{
    net::{
        dev::{Driver, DriverDevice, PcpuStats, SetupDevice, Stats64, TxStatus},
        rtnl::LinkOps,
        skbuff::{SharedSkBuff, TxContext},
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

    fn start_xmit_shared<'a>(
        skb: SharedSkBuff<'a>,
        dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        dev.lstats_add(ctx, skb.len());
        skb.consume(ctx);
        TxStatus::Success
    }

    fn get_stats64(dev: &DriverDevice<Self>, stats: &mut Stats64) {
        stats.lstats_read(dev);
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
