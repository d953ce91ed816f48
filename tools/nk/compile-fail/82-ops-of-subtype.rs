// SPDX-License-Identifier: GPL-2.0

//! A driver cannot take another's tables as its own (`G<fn(&'static ())>`
//! returning those of its subtype `G<for<'a> fn(&'a ())>`, so that
//! `downcast` accepts the other's devices): `HasOps` needs an `unsafe impl`.

#![allow(coherence_leak_check)]

// expect: E0200
// expect-emit: obj

use core::marker::PhantomData;
use kernel::{
    net::{
        dev::{Device, Driver, DriverDevice, HasOps, SetupDevice, Statics, TxStatus},
        notifier::{Event, Notifier},
        rtnl::{LinkOps, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// Generic driver type.
pub struct G<F>(PhantomData<F>);

/// The registered driver (the subtype).
pub type Hr = G<for<'a> fn(&'a ())>;
/// Never registered (the supertype); shares `Hr`'s table.
pub type St = G<fn(&'static ())>;

#[vtable]
impl Driver for Hr {
    type Priv = u8;

    fn priv_init() -> impl PinInit<u8> {
        0u8
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

#[vtable]
impl LinkOps for Hr {
    const KIND: &'static CStr = c"nk_cf";
}

impl HasOps for St {
    fn statics() -> &'static Statics<St> {
        // Subtyping coercion of `&Statics<Hr>` to `&Statics<St>`.
        <Hr as HasOps>::statics()
    }
}

#[vtable]
impl Driver for St {
    type Priv = [u64; 512];

    fn priv_init() -> impl PinInit<[u64; 512]> {
        [0u64; 512]
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

/// The notifier.
pub struct N;

impl Notifier for N {
    fn event(_rtnl: &mut Rtnl, _event: Event, dev: &Device) {
        if let Some(d) = dev.downcast::<St>() {
            // Out of bounds: an `Hr` device's private area is 1 byte.
            pr_info!("{}\n", d.data()[511]);
        }
    }
}

kernel::module_net_driver! {
    type: Hr,
    notifier: N,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
