// SPDX-License-Identifier: GPL-2.0

//! `net_device_ops!`'s `@statics` step makes the `net_device_ops` static
//! itself: a driver's own could be in `.init.rodata`, freed after the
//! module's init while devices still point at it.

// expect: E0507

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

const _: () = {
    #[link_section = ".init.rodata"]
    static MY_OPS: kernel::net::dev::Ops<D> = kernel::net::dev::Ops::new();
    kernel::net_device_ops!(@statics D, MY_OPS);
};
