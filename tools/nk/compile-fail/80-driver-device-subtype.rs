// SPDX-License-Identifier: GPL-2.0

//! A device of one driver does not coerce to a device of another by
//! subtyping (`G<for<'a> fn(&'a ())>` is a subtype of `G<fn(&'static ())>`;
//! each a driver with its own `Priv`): `DriverDevice<T>` is invariant in `T`.

#![allow(coherence_leak_check)]

// expect: E0308
// expect-emit: obj

use core::marker::PhantomData;
use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// Generic driver type.
pub struct G<F>(PhantomData<F>);

/// The registered driver (higher-ranked, the subtype).
pub type Hr = G<for<'a> fn(&'a ())>;
/// A never-registered driver (the supertype).
pub type St = G<fn(&'static ())>;

kernel::net_device_ops!(St);

#[vtable]
impl Driver for St {
    type Priv = &'static u64;

    fn priv_init() -> impl PinInit<&'static u64> {
        static X: u64 = 0;
        &X
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
impl Driver for Hr {
    type Priv = usize;

    fn priv_init() -> impl PinInit<usize> {
        0x4141_4141_4141_4141usize
    }

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit<'a>(
        _skb: SkBuff<'a>,
        dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        // Subtyping coercion: `&DriverDevice<Hr>` is a `&DriverDevice<St>`.
        let other: &'a DriverDevice<St> = dev;
        // Reads the usize 0x4141... as a `&'static u64` and dereferences it.
        let v: u64 = **other.data();
        pr_info!("{}\n", v);
        TxStatus::Success
    }
}

#[vtable]
impl LinkOps for Hr {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: Hr,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
