// SPDX-License-Identifier: GPL-2.0

//! A facility field named to the abstraction (here the BPF attach point) must
//! be of its type itself, not of a type that only dereferences to one
//! (whose bytes the abstraction would then read as one).

// expect: E0308
// expect-msg: mismatched types

use kernel::net::{dev::PrivField, mprog::Mprog};
use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::{self, ExtAck, LinkOps, NewDevice, NewLinkDone, NewLinkParams, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
};

/// The driver.
pub struct D;

/// Dereferences to an `Mprog` it does not contain.
pub struct Handle(&'static Mprog);

impl core::ops::Deref for Handle {
    type Target = Mprog;

    fn deref(&self) -> &Mprog {
        self.0
    }
}

/// Some attach point elsewhere.
pub fn handle() -> Handle {
    unimplemented!()
}

/// Private data whose `mprog` field is a `Handle`.
pub struct P {
    mprog: Handle,
}

static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);

#[vtable]
impl Driver for D {
    type Priv = P;
    const MPROG: Option<PrivField<Self, Mprog>> = Some(kernel::priv_field!(D, mprog));

    fn priv_init() -> impl PinInit<P> {
        P { mprog: handle() }
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
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
