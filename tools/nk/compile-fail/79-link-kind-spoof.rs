// SPDX-License-Identifier: GPL-2.0

//! A type the module does not register cannot claim a link kind (here
//! veth's, to name an entry point `veth_xmit`): `HasLinkOps` needs an
//! `unsafe impl`.

// expect: E0200
// expect-emit: obj

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::{HasLinkOps, LinkOps, LinkOpsTable},
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

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
}

/// Never registered.
pub struct E;

#[vtable]
impl Driver for E {
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
impl LinkOps for E {
    const KIND: &'static CStr = c"veth";
}

impl HasLinkOps for E {
    fn link_ops() -> &'static LinkOpsTable<E> {
        static T: LinkOpsTable<E> = LinkOpsTable::new();
        &T
    }
}

kernel::net_device_ops!(E);
kernel::net_symbols!(E, { start_xmit: veth_xmit });

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
