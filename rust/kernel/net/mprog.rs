// SPDX-License-Identifier: GPL-2.0

//! BPF multi-program attach points on network devices (`bpf_mprog`) and
//! their BPF links.
//!
//! C headers: [`include/linux/bpf_mprog.h`](srctree/include/linux/bpf_mprog.h),
//! [`include/linux/bpf.h`](srctree/include/linux/bpf.h).

use crate::{
    bindings,
    error::{
        to_result,
        Result, //
    },
    ffi::c_void,
    net::{
        dev::{
            Driver,
            DriverDevice, //
        },
        rtnl::{
            Net,
            Rtnl, //
        },
        skbuff::{
            BpfNetContext,
            SkBuff, //
        }, //
    },
    prelude::*,
    seq_file::SeqFile,
    sync::{
        atomic::{
            atomic_load,
            Atomic,
            Relaxed,
            Release, //
        },
        rcu, //
    },
    types::Opaque, //
};
use core::ptr;

mod link;
mod syscall;

use link::LinkObj;
#[doc(hidden)]
pub use syscall::{entry_names, link_attach, prog_attach, prog_detach, prog_query};

/// `BPF_F_REPLACE`.
pub const F_REPLACE: u32 = bindings::BPF_F_REPLACE;
/// `BPF_F_ID`.
pub const F_ID: u32 = bindings::BPF_F_ID;

/// A BPF program (`struct bpf_prog`) the caller holds a reference to.
#[repr(transparent)]
pub struct Prog(Opaque<bindings::bpf_prog>);

impl Prog {
    /// # Safety
    ///
    /// `p` must be valid for `'a`.
    unsafe fn from_raw<'a>(p: *mut bindings::bpf_prog) -> &'a Prog {
        // SAFETY: Transparent wrapper; validity per the caller.
        unsafe { &*p.cast() }
    }

    fn as_raw(&self) -> *mut bindings::bpf_prog {
        self.0.get()
    }

    /// The program's type (`prog->type`).
    fn prog_type(&self) -> u32 {
        // SAFETY: The program is valid (`from_raw`'s contract); its type is
        // fixed when it is loaded.
        unsafe { (*self.as_raw()).type_ }
    }
}

/// An owned reference to a BPF program, put on drop (`bpf_prog_put`).
struct ProgRef(*mut bindings::bpf_prog);

impl ProgRef {
    /// Gets the program behind `fd` if it has type `ty` (`bpf_prog_get_type`).
    fn get_type(fd: u32, ty: u32) -> Result<Self> {
        // SAFETY: FFI call; returns a referenced program or an error pointer.
        let p = unsafe { bindings::bpf_prog_get_type(fd, ty) };
        Ok(Self(crate::error::from_err_ptr(p)?))
    }
}

impl Drop for ProgRef {
    fn drop(&mut self) {
        // SAFETY: We hold the reference taken in `get_type`.
        unsafe { bindings::bpf_prog_put(self.0) };
    }
}

/// The `bpf(2)` attributes (`union bpf_attr`) of an attach, detach, query or
/// link create.
#[repr(transparent)]
pub struct Attr(Opaque<bindings::bpf_attr>);

impl Attr {
    fn raw(&self) -> &bindings::bpf_attr {
        // SAFETY: The attributes are valid and not written during the call.
        unsafe { &*self.0.get() }
    }

    /// `target_ifindex` and `attach_type` of `BPF_PROG_ATTACH`/`DETACH`.
    fn attach_target(&self) -> (u32, AttachType) {
        // SAFETY: Reading the plain-data union member of the command in
        // progress, and its `target_ifindex`, the member netdev targets use.
        unsafe {
            let a = &self.raw().__bindgen_anon_5;
            (a.__bindgen_anon_1.target_ifindex, AttachType(a.attach_type))
        }
    }

    /// The flags, relative fd or id, expected revision and replaced
    /// program fd of `BPF_PROG_ATTACH`/`DETACH`.
    fn attach_args(&self) -> (u32, u32, u64, u32) {
        // SAFETY: Reading the plain-data union member of the command in
        // progress, and its `relative_fd`, the member netdev targets use
        // (`relative_id` shares it).
        unsafe {
            let a = &self.raw().__bindgen_anon_5;
            (
                a.attach_flags,
                a.__bindgen_anon_2.relative_fd,
                a.expected_revision,
                a.replace_bpf_fd,
            )
        }
    }

    /// `query.target_ifindex` and `query.attach_type`.
    fn query_target(&self) -> (u32, AttachType) {
        // SAFETY: Reading the plain-data union member of the command in
        // progress, and its `target_ifindex`, the member netdev targets use.
        unsafe {
            let q = &self.raw().query;
            (q.__bindgen_anon_1.target_ifindex, AttachType(q.attach_type))
        }
    }

    /// `link_create.target_ifindex` and `link_create.attach_type`.
    fn link_target(&self) -> (u32, AttachType) {
        // SAFETY: As in `query_target`, for `link_create`.
        unsafe {
            let l = &self.raw().link_create;
            (l.__bindgen_anon_2.target_ifindex, AttachType(l.attach_type))
        }
    }
}

/// A BPF attach type (`enum bpf_attach_type`) of a network device.
///
/// # Examples
///
/// ```
/// use kernel::{bindings, net::mprog::AttachType};
///
/// const INGRESS: AttachType = AttachType::new(bindings::bpf_attach_type_BPF_TCX_INGRESS);
/// const EGRESS: AttachType = AttachType::new(bindings::bpf_attach_type_BPF_TCX_EGRESS);
/// assert!(INGRESS != EGRESS);
/// assert_eq!(EGRESS.as_u32(), bindings::bpf_attach_type_BPF_TCX_EGRESS);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AttachType(u32);

impl AttachType {
    /// The attach type `raw` (`BPF_*` of `enum bpf_attach_type`), to compare
    /// with the one user space passed.
    pub const fn new(raw: u32) -> Self {
        Self(raw)
    }

    /// The number user space passed.
    pub fn as_u32(self) -> u32 {
        self.0
    }
}

/// The BPF link type of a driver's links (`BPF_LINK_TYPE_*`).
///
/// The link's `BPF_LINK_CREATE` attributes and its `bpf_link_info` are
/// read and written in the layout of the `tcx` members (`relative_fd` or
/// `relative_id` and `expected_revision`; `ifindex` and `attach_type`),
/// which the link types of network devices' multi-program attach points
/// share.
///
/// # Invariants
///
/// `self.0` is a link type the BPF core knows (below
/// `__MAX_BPF_LINK_TYPE`; it indexes the core's tables with it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct LinkType(u32);

impl LinkType {
    /// The link type `raw`; panics (a build error in a constant) if the BPF
    /// core does not know it.
    pub const fn new(raw: u32) -> Self {
        assert!(
            raw < bindings::bpf_link_type___MAX_BPF_LINK_TYPE,
            "not a BPF link type"
        );
        // INVARIANT: Checked above.
        Self(raw)
    }

    const fn as_raw(self) -> u32 {
        self.0
    }
}

/// What [`MprogDriver::target`] resolves to.
pub enum Which {
    /// `BPF_PROG_ATTACH`/`DETACH`/`QUERY`.
    Prog,
    /// `BPF_LINK_CREATE`.
    Link,
}

/// A BPF multi-program attach point of a device: the active entry (read
/// under RCU on the fast path) and the bundle it alternates in.
///
/// # Invariants
///
/// `active` is NULL or points to `bundle.a` or `bundle.b`; `bundle` was set
/// up with `bpf_mprog_bundle_init` before first use (by [`Mprog::new`]) and
/// is only changed under RTNL.
#[repr(C)]
#[pin_data]
pub struct Mprog {
    active: Atomic<Entry>,
    #[pin]
    bundle: Opaque<bindings::bpf_mprog_bundle>,
}

// SAFETY: The bundle is only changed under RTNL; the fast path reads the
// published entry under RCU. Program and link references it holds may be
// released from any thread.
unsafe impl Send for Mprog {}
// SAFETY: As above.
unsafe impl Sync for Mprog {}

/// `bpf_mprog_entry` pointer in the bundle.
type Entry = *mut bindings::bpf_mprog_entry;

impl Mprog {
    /// An empty attach point (`bpf_mprog_bundle_init`). Its entries point
    /// back into the bundle, hence the pinning.
    pub fn new() -> impl PinInit<Self> {
        // INVARIANT: No entry is active; the bundle is initialised in place.
        pin_init!(Self {
            active: Atomic::new(ptr::null_mut()),
            // SAFETY: `b` is valid for writes and pinned.
            bundle <- Opaque::ffi_init(|b| unsafe { bindings::bpf_mprog_bundle_init(b) }),
        })
    }

    /// Runs the attached programs on `skb` until one returns other than
    /// `next`; returns `default` when none is attached.
    #[inline(always)]
    pub fn run(&self, _ctx: &BpfNetContext, skb: &mut SkBuff<'_>, default: i32, next: i32) -> i32 {
        // `rcu_dereference`: a relaxed load is `READ_ONCE`, whose address
        // dependency orders the reads of the entry after the release store
        // that published it (LKMM).
        let entry = self.active.load(Relaxed);
        if entry.is_null() {
            return default;
        }
        let mut ret = default;
        // SAFETY: A published entry stays valid until a grace period after it
        // is unpublished (`update` then `synchronize_rcu`), which `_ctx`
        // (`rcu_read_lock` held) holds off; its program list ends with a
        // NULL (`bpf_mprog_max` is one less than the array size), and each
        // slot is written with one store (`READ_ONCE` in C). The programs
        // get a valid, owned skb and the `bpf_net_context` their redirect
        // helpers use.
        unsafe {
            let mut fp = (*entry).fp_items.as_ptr().cast_mut();
            loop {
                let prog = atomic_load(&raw mut (*fp).prog, Relaxed);
                if prog.is_null() {
                    break;
                }
                skb.bpf_compute_data_pointers();
                ret = bindings::bpf_prog_run(prog, skb.as_raw().cast::<c_void>()) as i32;
                if ret != next {
                    break;
                }
                fp = fp.add(1);
            }
        }
        ret
    }

    fn fetch(&self, _rtnl: &Rtnl, fallback: bool) -> Option<Entry> {
        // RTNL serialises the writers.
        let e = self.active.load(Relaxed);
        if !e.is_null() {
            return Some(e);
        }
        // SAFETY: `bundle` is valid; `a` is a field of it.
        fallback.then(|| unsafe { &raw mut (*self.bundle.get()).a })
    }

    fn update(&self, _rtnl: &Rtnl, entry: Entry) {
        // `rcu_assign_pointer`.
        self.active.store(entry, Release);
    }

    fn publish(&self, rtnl: &Rtnl, old: Entry, new: Entry) {
        if old != new {
            self.update(rtnl, new);
            // May sleep: RTNL, a mutex, is held.
            rcu::synchronize_rcu();
        }
        // SAFETY: `old` is in our bundle; RTNL serialises commits.
        unsafe { bindings::bpf_mprog_commit(old) };
    }

    #[expect(clippy::too_many_arguments)]
    fn attach_raw(
        &self,
        rtnl: &Rtnl,
        prog: *mut bindings::bpf_prog,
        link: *mut bindings::bpf_link,
        replace: *mut bindings::bpf_prog,
        flags: u32,
        id_or_fd: u32,
        revision: u64,
    ) -> Result {
        let entry = self.fetch(rtnl, true).unwrap_or(ptr::null_mut());
        let mut new: Entry = ptr::null_mut();
        // SAFETY: `entry` is in our bundle, RTNL is held; the program (and
        // link) references are valid and transferred on success.
        to_result(unsafe {
            bindings::bpf_mprog_attach(
                entry, &mut new, prog, link, replace, flags, id_or_fd, revision,
            )
        })?;
        self.publish(rtnl, entry, new);
        Ok(())
    }

    fn detach_raw(
        &self,
        rtnl: &Rtnl,
        prog: *mut bindings::bpf_prog,
        link: *mut bindings::bpf_link,
        flags: u32,
        id_or_fd: u32,
        revision: u64,
    ) -> Result {
        let entry = self.fetch(rtnl, false).ok_or(ENOENT)?;
        let mut new: Entry = ptr::null_mut();
        // SAFETY: As for `attach_raw`.
        to_result(unsafe {
            bindings::bpf_mprog_detach(entry, &mut new, prog, link, flags, id_or_fd, revision)
        })?;
        // SAFETY: `new` is in our bundle.
        if unsafe { bindings::bpf_mprog_total(new) } == 0 {
            new = ptr::null_mut();
        }
        self.update(rtnl, new);
        // May sleep: RTNL, a mutex, is held.
        rcu::synchronize_rcu();
        // SAFETY: `entry` is in our bundle.
        unsafe { bindings::bpf_mprog_commit(entry) };
        Ok(())
    }

    /// Detaches every program and link (`ndo_uninit`): programs are put,
    /// links are left without a device.
    pub(crate) fn release_all(&self, rtnl: &Rtnl) {
        let Some(entry) = self.fetch(rtnl, false) else {
            return;
        };
        self.update(rtnl, ptr::null_mut());
        // May sleep: RTNL, a mutex, is held.
        rcu::synchronize_rcu();
        // SAFETY: `entry` was active, so it and its bundle's link array are
        // valid; the list ends at the first NULL program.
        unsafe {
            let parent = (*entry).parent;
            for i in 0..bindings::BPF_MPROG_MAX as usize {
                let prog = (*entry).fp_items[i].prog;
                if prog.is_null() {
                    break;
                }
                let link = (*parent).cp_items[i].link;
                if link.is_null() {
                    bindings::bpf_prog_put(prog);
                } else {
                    // Only links made by `link_attach` attach to an
                    // `Mprog`, and each is a `LinkObj`.
                    (*LinkObj::from_link(link)).dev = ptr::null_mut();
                }
            }
        }
    }
}

/// A driver whose devices carry [`Mprog`] attach points, with BPF entry
/// points made by [`mprog_entry_points!`](crate::mprog_entry_points).
pub trait MprogDriver: Driver {
    /// The type of the driver's links.
    const LINK_TYPE: LinkType;

    /// Resolves the device an attach, detach, query or link create of
    /// `attach_type` on `ifindex` in `net` targets, with the driver's rules.
    fn target<'a>(
        rtnl: &'a Rtnl,
        net: &Net,
        ifindex: u32,
        attach_type: AttachType,
        which: Which,
    ) -> Result<&'a DriverDevice<Self>>;

    /// Prints the link's `fdinfo` lines.
    fn link_show_fdinfo(seq: &SeqFile, ifindex: u32, attach_type: AttachType);
}

impl<T: MprogDriver> DriverDevice<T> {
    fn mprog(&self) -> &Mprog {
        const { assert!(T::MPROG.is_some(), "an MprogDriver needs Driver::MPROG") };
        match T::MPROG {
            Some(f) => f.get(self.data()),
            None => unreachable!(),
        }
    }
}
