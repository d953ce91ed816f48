// SPDX-License-Identifier: GPL-2.0

//! The `bpf(2)` entry points of a driver's attach points.

use super::{
    link::DevLink,
    AttachType,
    Attr,
    LinkObj,
    MprogDriver,
    Prog,
    ProgRef,
    Which, //
    F_REPLACE,
};
use crate::{
    alloc::{
        flags::GFP_KERNEL_ACCOUNT,
        KBox, //
    },
    bindings,
    error::{
        from_result,
        to_result, //
    },
    ffi::c_int,
    net::{
        dev::DriverDevice,
        rtnl::{
            Net,
            Rtnl, //
        }, //
    },
    prelude::*, //
};
use core::ptr;

/// [`MprogDriver::target`], if it is a registered device (whose attach
/// point `ndo_uninit` has not released).
fn target<'a, T: MprogDriver>(
    rtnl: &'a Rtnl,
    net: &Net,
    ifindex: u32,
    attach_type: AttachType,
    which: Which,
) -> Result<&'a DriverDevice<T>> {
    let dev = T::target(rtnl, net, ifindex, attach_type, which)?;
    if !dev.is_registered() {
        return Err(ENODEV);
    }
    Ok(dev)
}

/// `BPF_PROG_ATTACH` for driver `T`.
///
/// # Safety
///
/// `attr` and `prog` must be the valid arguments of a `BPF_PROG_ATTACH`
/// syscall of the current task; on success the program reference is
/// consumed.
#[doc(hidden)]
pub unsafe fn prog_attach<T: MprogDriver>(
    attr: *const bindings::bpf_attr,
    prog: *mut bindings::bpf_prog,
) -> c_int {
    // SAFETY: Per the function's contract; a `bpf(2)` syscall is process
    // context, without RCU, spinlocks or RTNL held.
    let (attr, prog, net, rtnl) = unsafe {
        (
            &*attr.cast::<Attr>(),
            Prog::from_raw(prog),
            Net::current(),
            Rtnl::lock(),
        )
    };
    from_result(|| {
        let (ifindex, attach_type) = attr.attach_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Prog)?;
        let (flags, relative, revision, replace_fd) = attr.attach_args();
        let replace = if flags & F_REPLACE != 0 {
            Some(ProgRef::get_type(replace_fd, prog.prog_type())?)
        } else {
            None
        };
        dev.mprog().attach_raw(
            &rtnl,
            prog.as_raw(),
            ptr::null_mut(),
            replace.as_ref().map_or(ptr::null_mut(), |r| r.0),
            flags,
            relative,
            revision,
        )?;
        Ok(0)
    })
}

/// `BPF_PROG_DETACH` for driver `T`.
///
/// # Safety
///
/// `attr` must be valid, of a syscall of the current task; `prog` NULL or a
/// valid program.
#[doc(hidden)]
pub unsafe fn prog_detach<T: MprogDriver>(
    attr: *const bindings::bpf_attr,
    prog: *mut bindings::bpf_prog,
) -> c_int {
    // SAFETY: Per the function's contract; see `prog_attach` for RTNL.
    let (attr, net, rtnl) = unsafe { (&*attr.cast::<Attr>(), Net::current(), Rtnl::lock()) };
    from_result(|| {
        let (ifindex, attach_type) = attr.attach_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Prog)?;
        let (flags, relative, revision, _) = attr.attach_args();
        dev.mprog()
            .detach_raw(&rtnl, prog, ptr::null_mut(), flags, relative, revision)?;
        Ok(0)
    })
}

/// `BPF_PROG_QUERY` for driver `T`.
///
/// # Safety
///
/// `attr` must be valid, of a syscall of the current task, and `uattr` the
/// user pointer it was copied from.
#[doc(hidden)]
pub unsafe fn prog_query<T: MprogDriver>(
    attr: *const bindings::bpf_attr,
    uattr: *mut bindings::bpf_attr,
) -> c_int {
    // SAFETY: Per the function's contract; see `prog_attach` for RTNL.
    let (a, net, rtnl) = unsafe { (&*attr.cast::<Attr>(), Net::current(), Rtnl::lock()) };
    from_result(|| {
        let (ifindex, attach_type) = a.query_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Prog)?;
        let entry = dev.mprog().fetch(&rtnl, false).unwrap_or(ptr::null_mut());
        // SAFETY: RTNL is held; `entry` is NULL or in the bundle; `attr` and
        // `uattr` per the function's contract.
        to_result(unsafe { bindings::bpf_mprog_query(attr, uattr, entry) })?;
        Ok(0)
    })
}

/// `BPF_LINK_CREATE` for driver `T`; returns the link's fd.
///
/// # Safety
///
/// As for [`prog_attach`].
#[doc(hidden)]
pub unsafe fn link_attach<T: MprogDriver>(
    attr: *const bindings::bpf_attr,
    prog: *mut bindings::bpf_prog,
) -> c_int {
    // SAFETY: Per the function's contract; see `prog_attach` for RTNL.
    let (a, net, rtnl) = unsafe { (&*attr.cast::<Attr>(), Net::current(), Rtnl::lock()) };
    from_result(|| {
        let (ifindex, attach_type) = a.link_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Link)?;
        // INVARIANT: `dev` is registered (`target`) and the link is attached
        // to its `Mprog` below, or `dev` is cleared before it is freed.
        let link = KBox::new(
            LinkObj {
                link: pin_init::zeroed(),
                dev: dev.as_raw(),
            },
            GFP_KERNEL_ACCOUNT,
        )?;
        let link = KBox::into_raw(link);
        // SAFETY: `link` is a fresh `LinkObj`.
        let l = unsafe { &raw mut (*link).link };
        // SAFETY: `l` is unused; `OPS` is promoted to a static; `prog` is
        // valid and its reference goes to the link.
        unsafe {
            bindings::bpf_link_init(
                l,
                T::LINK_TYPE.as_raw(),
                &DevLink::<T>::OPS,
                prog,
                attach_type.0,
            )
        };
        let mut primer: bindings::bpf_link_primer = pin_init::zeroed();
        // SAFETY: `l` is initialised.
        let r = unsafe { bindings::bpf_link_prime(l, &mut primer) };
        if r != 0 {
            // SAFETY: Not primed, so not visible to anyone: free it here.
            drop(unsafe { KBox::from_raw(link) });
            return Err(Error::from_errno(r));
        }
        // SAFETY: Reading the `BPF_LINK_CREATE` union member of the link
        // type, in the `tcx` layout (see `LinkType`); all plain data.
        let (flags, rel, rev) = unsafe {
            let lc = &a.raw().link_create;
            let m = &lc.__bindgen_anon_3.tcx;
            (
                lc.flags,
                m.__bindgen_anon_1.relative_fd,
                m.expected_revision,
            )
        };
        if let Err(e) = dev
            .mprog()
            .attach_raw(&rtnl, prog, l, ptr::null_mut(), flags, rel, rev)
        {
            // SAFETY: The link is primed but not attached: clean it up, which
            // deallocates it.
            unsafe {
                (*link).dev = ptr::null_mut();
                bindings::bpf_link_cleanup(&mut primer);
            }
            return Err(e);
        }
        // SAFETY: Primed and attached.
        Ok(unsafe { bindings::bpf_link_settle(&mut primer) })
    })
}

/// The names [`mprog_entry_points!`](crate::mprog_entry_points) takes: per
/// entry point, one module per C function the BPF core calls by that name
/// (`kernel/bpf/syscall.c`), with the link kind of the driver whose it is
/// (`KIND`) and its C declaration (`decl`).
#[doc(hidden)]
pub mod entry_names {
    /// `BPF_PROG_ATTACH`.
    pub mod attach {
        /// netkit's (`include/net/netkit.h`).
        pub mod netkit_prog_attach {
            /// The link kind of netkit.
            pub const KIND: &crate::prelude::CStr = c"netkit";
            #[cfg(CONFIG_NETKIT)]
            pub use crate::bindings::netkit_prog_attach as decl;
        }
    }
    /// `BPF_PROG_DETACH`.
    pub mod detach {
        /// netkit's (`include/net/netkit.h`).
        pub mod netkit_prog_detach {
            /// The link kind of netkit.
            pub const KIND: &crate::prelude::CStr = c"netkit";
            #[cfg(CONFIG_NETKIT)]
            pub use crate::bindings::netkit_prog_detach as decl;
        }
    }
    /// `BPF_PROG_QUERY`.
    pub mod query {
        /// netkit's (`include/net/netkit.h`).
        pub mod netkit_prog_query {
            /// The link kind of netkit.
            pub const KIND: &crate::prelude::CStr = c"netkit";
            #[cfg(CONFIG_NETKIT)]
            pub use crate::bindings::netkit_prog_query as decl;
        }
    }
    /// `BPF_LINK_CREATE`.
    pub mod link_attach {
        /// netkit's (`include/net/netkit.h`).
        pub mod netkit_link_attach {
            /// The link kind of netkit.
            pub const KIND: &crate::prelude::CStr = c"netkit";
            #[cfg(CONFIG_NETKIT)]
            pub use crate::bindings::netkit_link_attach as decl;
        }
    }
}

/// Exports the C entry points the BPF core calls by name for a driver's
/// attach types: each name must be one in
/// [`entry_names`](crate::net::mprog::entry_names) for its entry
/// point, of `T`'s link kind ([`LinkOps::KIND`](crate::net::rtnl::LinkOps::KIND)),
/// and the function is checked against the prototype C declares. A second
/// driver exporting one fails the link.
#[macro_export]
macro_rules! mprog_entry_points {
    ($T:ty, attach: $a:ident, detach: $d:ident, query: $q:ident, link_attach: $l:ident) => {
        /// `BPF_PROG_ATTACH` entry point.
        ///
        /// # Safety
        ///
        /// Called by the BPF core with valid arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $a(
            attr: *const $crate::bindings::bpf_attr,
            prog: *mut $crate::bindings::bpf_prog,
        ) -> $crate::ffi::c_int {
            // SAFETY: Forwarded from the BPF core.
            unsafe { $crate::net::mprog::prog_attach::<$T>(attr, prog) }
        }
        /// `BPF_PROG_DETACH` entry point.
        ///
        /// # Safety
        ///
        /// Called by the BPF core with valid arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $d(
            attr: *const $crate::bindings::bpf_attr,
            prog: *mut $crate::bindings::bpf_prog,
        ) -> $crate::ffi::c_int {
            // SAFETY: Forwarded from the BPF core.
            unsafe { $crate::net::mprog::prog_detach::<$T>(attr, prog) }
        }
        /// `BPF_PROG_QUERY` entry point.
        ///
        /// # Safety
        ///
        /// Called by the BPF core with valid arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $q(
            attr: *const $crate::bindings::bpf_attr,
            uattr: *mut $crate::bindings::bpf_attr,
        ) -> $crate::ffi::c_int {
            // SAFETY: Forwarded from the BPF core.
            unsafe { $crate::net::mprog::prog_query::<$T>(attr, uattr) }
        }
        /// `BPF_LINK_CREATE` entry point.
        ///
        /// # Safety
        ///
        /// Called by the BPF core with valid arguments.
        #[no_mangle]
        pub unsafe extern "C" fn $l(
            attr: *const $crate::bindings::bpf_attr,
            prog: *mut $crate::bindings::bpf_prog,
        ) -> $crate::ffi::c_int {
            // SAFETY: Forwarded from the BPF core.
            unsafe { $crate::net::mprog::link_attach::<$T>(attr, prog) }
        }
        // An exported name is global: only the core's names for this
        // driver's kind, with the prototypes C declares.
        const _: () = {
            use $crate::net::mprog::entry_names as n;
            let _ = [n::attach::$a::decl, $a];
            let _ = [n::detach::$d::decl, $d];
            let _ = [n::query::$q::decl, $q];
            let _ = [n::link_attach::$l::decl, $l];
            let kind = <$T as $crate::net::rtnl::LinkOps>::KIND;
            assert!(
                $crate::net::dev::same_kind(n::attach::$a::KIND, kind)
                    && $crate::net::dev::same_kind(n::detach::$d::KIND, kind)
                    && $crate::net::dev::same_kind(n::query::$q::KIND, kind)
                    && $crate::net::dev::same_kind(n::link_attach::$l::KIND, kind),
                "an entry point of another link kind"
            );
        };
    };
}
