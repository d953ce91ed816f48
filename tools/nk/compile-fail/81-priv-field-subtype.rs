// SPDX-License-Identifier: GPL-2.0

//! A `PrivField` of one driver does not coerce to another's by subtyping
//! (the `PAIR` slot at offset 4096 of `G<for<'a> fn(&'a ())>`'s private
//! data as that of `G<fn(&'static ())>`, whose private data is `()`):
//! `PrivField<T, F>` is invariant in `T`.

#![allow(coherence_leak_check)]

// expect: E0308
// expect-emit: obj

use core::marker::PhantomData;
use kernel::{
    net::{
        dev::{Driver, DriverDevice, PeerSlot, PrivField, RcuHeld, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// Generic driver type.
pub struct G<F>(PhantomData<F>);

/// Never registered (the subtype).
pub type Hr = G<for<'a> fn(&'a ())>;
/// The registered driver (the supertype).
pub type St = G<fn(&'static ())>;

/// Hr's private data.
pub struct Big {
    _pad: [u8; 4096],
    peer: PeerSlot,
}

kernel::net_device_ops!(Hr);

#[vtable]
impl Driver for Hr {
    type Priv = Big;

    fn priv_init() -> impl PinInit<Big> {
        Big {
            _pad: [0; 4096],
            peer: PeerSlot::new(),
        }
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

const HR_PAIR: PrivField<Hr, PeerSlot> = kernel::priv_field!(Hr, peer);

#[vtable]
impl Driver for St {
    type Priv = ();
    // Subtyping coercion of `PrivField<Hr, _>` to `PrivField<St, _>`.
    const PAIR: Option<PrivField<Self, PeerSlot>> = Some(HR_PAIR);

    fn priv_init() -> impl PinInit<()> {}

    fn setup(_dev: &mut SetupDevice<Self>) {}

    fn start_xmit<'a>(
        _skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        TxStatus::Success
    }

    fn get_iflink(dev: &DriverDevice<Self>, rcu: &RcuHeld) -> i32 {
        // Reads a "peer pointer" 4 KiB past the 0-byte private area.
        dev.peer(rcu).map_or(0, |p| p.ifindex())
    }
}

#[vtable]
impl LinkOps for St {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: St,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
