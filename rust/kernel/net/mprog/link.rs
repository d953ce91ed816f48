// SPDX-License-Identifier: GPL-2.0

//! The BPF links of a driver's attach points.

use super::{
    AttachType,
    Entry,
    MprogDriver, //
    F_ID,
    F_REPLACE,
};
use crate::{
    alloc::KBox,
    bindings,
    error::{
        from_result,
        to_result, //
    },
    ffi::c_int,
    net::{
        dev::DriverDevice,
        rtnl::Rtnl, //
    },
    prelude::*,
    seq_file::SeqFile,
    sync::atomic::{
        self,
        Full, //
    }, //
};
use core::ptr;

/// The BPF link object of [`link_attach`].
///
/// # Invariants
///
/// `dev` is NULL or a device on whose `Mprog` the link is attached; it is
/// read and written under RTNL and cleared (detach, `release_all`) before
/// that device goes away.
#[repr(C)]
pub(super) struct LinkObj {
    pub(super) link: bindings::bpf_link,
    pub(super) dev: *mut bindings::net_device,
}

impl LinkObj {
    /// # Safety
    ///
    /// `link` must be the `link` field of a `LinkObj`.
    pub(super) unsafe fn from_link(link: *const bindings::bpf_link) -> *mut Self {
        // `link` is the first field of a `repr(C)` struct.
        link.cast_mut().cast()
    }
}

/// The `bpf_link_ops` of `T`'s links.
pub(super) struct DevLink<T: MprogDriver>(crate::net::dev::Invariant<T>);

impl<T: MprogDriver> DevLink<T> {
    pub(super) const OPS: bindings::bpf_link_ops = bindings::bpf_link_ops {
        release: Some(Self::release),
        dealloc: Some(Self::dealloc),
        detach: Some(Self::detach),
        update_prog: Some(Self::update_prog),
        show_fdinfo: Some(Self::show_fdinfo),
        fill_link_info: Some(Self::fill_link_info),
        dealloc_deferred: None,
        update_map: None,
        poll: None,
    };

    /// The link's device under RTNL.
    ///
    /// # Safety
    ///
    /// `link` must be a live link of `T` (made by `link_attach::<T>`).
    unsafe fn dev<'a>(
        _rtnl: &'a Rtnl,
        link: *const bindings::bpf_link,
    ) -> Option<&'a DriverDevice<T>> {
        // SAFETY: `link` is a `LinkObj`; `dev` is only accessed under RTNL,
        // and a non-NULL one is a live device of `T` (type invariant of
        // `LinkObj`; `link_attach::<T>` set it).
        unsafe {
            let dev = (*LinkObj::from_link(link)).dev;
            (!dev.is_null()).then(|| DriverDevice::from_raw(dev))
        }
    }

    /// # Safety
    ///
    /// `link` must be a live link of `T`; the caller is a link op, in
    /// process context, without RCU, spinlocks or RTNL held.
    unsafe fn ifindex(link: *const bindings::bpf_link) -> u32 {
        // SAFETY: Per the function's contract.
        unsafe {
            let rtnl = Rtnl::lock();
            Self::dev(&rtnl, link).map_or(0, |d| d.ifindex() as u32)
        }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn release(link: *mut bindings::bpf_link) {
        // SAFETY: The BPF core calls link ops in process context, without
        // RCU, spinlocks or RTNL held.
        let rtnl = unsafe { Rtnl::lock() };
        // SAFETY: The BPF core calls this on a live link of `T`, whose
        // program is only replaced under RTNL.
        let Some((dev, prog)) = (unsafe { Self::dev(&rtnl, link).map(|d| (d, (*link).prog)) })
        else {
            return;
        };
        let r = dev.mprog().detach_raw(&rtnl, prog, link, 0, 0, 0);
        if r.is_ok() {
            // SAFETY: Under RTNL, see `Self::dev`.
            unsafe { (*LinkObj::from_link(link)).dev = ptr::null_mut() };
        }
        crate::warn_on!(r.is_err());
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn detach(link: *mut bindings::bpf_link) -> c_int {
        // SAFETY: As for `release`.
        unsafe { Self::release(link) };
        0
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn dealloc(link: *mut bindings::bpf_link) {
        // SAFETY: Allocated as a `KBox<LinkObj>` in `link_attach`; the core
        // calls `dealloc` once, when the last reference is gone.
        drop(unsafe { KBox::from_raw(LinkObj::from_link(link)) });
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn update_prog(
        link: *mut bindings::bpf_link,
        nprog: *mut bindings::bpf_prog,
        oprog: *mut bindings::bpf_prog,
    ) -> c_int {
        // SAFETY: The BPF core calls link ops in process context, without
        // RCU, spinlocks or RTNL held.
        let rtnl = unsafe { Rtnl::lock() };
        from_result(|| {
            // SAFETY: The BPF core calls this on a live link of `T`, with a
            // referenced `nprog` that we consume on success.
            let dev = unsafe { Self::dev(&rtnl, link) }.ok_or(ENOLINK)?;
            // SAFETY: The program pointer is only replaced under RTNL.
            let old = unsafe { (*link).prog };
            if !oprog.is_null() && old != oprog {
                return Err(EPERM);
            }
            if old == nprog {
                // SAFETY: We own the `nprog` reference.
                unsafe { bindings::bpf_prog_put(nprog) };
                return Ok(0);
            }
            let mprog = dev.mprog();
            let entry = mprog.fetch(&rtnl, false).ok_or(ENOENT)?;
            let mut new: Entry = ptr::null_mut();
            // SAFETY: `old` is attached through this link; a replace in
            // place, in our bundle, under RTNL.
            to_result(unsafe {
                bindings::bpf_mprog_attach(
                    entry,
                    &mut new,
                    nprog,
                    link,
                    old,
                    F_REPLACE | F_ID,
                    (*(*old).aux).id,
                    0,
                )
            })?;
            crate::warn_on!(entry != new);
            // SAFETY: `prog` is a valid, aligned pointer field of the live
            // link; others read it locklessly, hence the atomic exchange
            // (`xchg` in C).
            unsafe { atomic::xchg(&raw mut (*link).prog, nprog, Full) };
            // SAFETY: The link's reference to `old` ends here; `entry` is ours.
            unsafe {
                bindings::bpf_prog_put(old);
                bindings::bpf_mprog_commit(entry);
            }
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn show_fdinfo(
        link: *const bindings::bpf_link,
        seq: *mut bindings::seq_file,
    ) {
        // SAFETY: Called by the BPF core on a live link of `T`.
        let ifindex = unsafe { Self::ifindex(link) };
        // SAFETY: `seq` is valid and ours for the call; `link` is live.
        let (seq, ty) = unsafe { (SeqFile::from_raw(seq), AttachType((*link).attach_type)) };
        T::link_show_fdinfo(seq, ifindex, ty)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn fill_link_info(
        link: *const bindings::bpf_link,
        info: *mut bindings::bpf_link_info,
    ) -> c_int {
        // SAFETY: Called by the BPF core on a live link of `T`.
        let ifindex = unsafe { Self::ifindex(link) };
        // SAFETY: `info` is valid and ours for the call; `link` is live. The
        // union's members are plain data; the link type's is in the `tcx`
        // layout (see `LinkType`).
        unsafe {
            let u = &mut (*info).__bindgen_anon_1;
            u.tcx.ifindex = ifindex;
            u.tcx.attach_type = (*link).attach_type;
        }
        0
    }
}
