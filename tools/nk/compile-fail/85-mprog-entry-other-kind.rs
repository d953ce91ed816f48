// SPDX-License-Identifier: GPL-2.0

//! `mprog_entry_points!` takes only names of the driver's own link kind:
//! a driver of another kind cannot export netkit's.

// expect: E0080
// expect-msg: an entry point of another link kind

use kernel::{
    net::{
        dev::{self, Driver, DriverDevice, PrivField, SetupDevice, TxStatus},
        mprog::{AttachType, LinkType, Mprog, MprogDriver, Which},
        rtnl::{ExtAck, LinkOps, Net, NewDevice, NewLinkDone, NewLinkParams, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
    seq_file::SeqFile,
};

/// The driver.
pub struct D;

/// Private data.
#[pin_data]
pub struct P {
    #[pin]
    mprog: Mprog,
}

#[vtable]
impl Driver for D {
    type Priv = P;
    const MPROG: Option<PrivField<Self, Mprog>> = Some(kernel::priv_field!(D, mprog));

    fn priv_init() -> impl PinInit<P> {
        pin_init!(P { mprog <- Mprog::new() })
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

    fn newlink<'a>(
        rtnl: &'a Rtnl,
        dev: NewDevice<'a, Self>,
        _params: &NewLinkParams<'a, Self>,
        _extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        dev.register(rtnl, |_| {})
    }
}

impl MprogDriver for D {
    const LINK_TYPE: LinkType =
        LinkType::new(kernel::bindings::bpf_link_type_BPF_LINK_TYPE_SOCKMAP);

    fn target<'a>(
        rtnl: &'a Rtnl,
        net: &Net,
        ifindex: u32,
        _attach_type: AttachType,
        _which: Which,
    ) -> Result<&'a DriverDevice<D>> {
        dev::get_by_index(rtnl, net, ifindex)
            .and_then(|d| d.downcast::<D>())
            .ok_or(ENODEV)
    }

    fn link_show_fdinfo(_seq: &SeqFile, _ifindex: u32, _attach_type: AttachType) {}
}

kernel::mprog_entry_points!(
    D,
    attach: netkit_prog_attach,
    detach: netkit_prog_detach,
    query: netkit_prog_query,
    link_attach: netkit_link_attach
);

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
