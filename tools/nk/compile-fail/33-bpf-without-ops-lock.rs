// SPDX-License-Identifier: GPL-2.0

//! `ndo_bpf` gets an instance-lock proof, which only holds when the core
//! takes the lock for the device's ops (it has queue management).

// expect: E0080
// expect-msg: ndo_bpf relies on the instance lock

use kernel::{
    net::{
        dev::{BpfCommand, Driver, DriverDevice, Locked, SetupDevice, TxStatus},
        rtnl::Rtnl,
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
        _skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        TxStatus::Drop
    }

    fn bpf(
        _dev: &DriverDevice<Self>,
        _rtnl: &Rtnl,
        _locked: &Locked<'_>,
        _cmd: BpfCommand<'_>,
    ) -> Result {
        Err(EOPNOTSUPP)
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
