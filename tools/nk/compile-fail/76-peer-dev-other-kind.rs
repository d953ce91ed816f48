// SPDX-License-Identifier: GPL-2.0

//! `export_peer_dev` takes a name of the driver's own link kind: only
//! netkit's is `netkit_peer_dev`.

// expect: E0080
// expect-msg: is another link kind's

use kernel::net::dev::RcuHeld;
use kernel::{
    net::{
        dev::{Driver, DriverDevice, PcpuStats, SetupDevice, TxStatus},
        rtnl::{self, ExtAck, LinkOps, NewDevice, NewLinkDone, NewLinkParams, Rtnl},
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

static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
    const POLICY: &'static rtnl::PolicyTable = POLICY.table();

    fn newlink<'a>(
        rtnl: &'a Rtnl,
        dev: NewDevice<'a, Self>,
        _params: &NewLinkParams<'a, Self>,
        _extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        dev.register(rtnl, |_| {})
    }
}

kernel::module_net_driver! {
    type: D,
    export_peer_dev: netkit_peer_dev,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
