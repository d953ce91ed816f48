// SPDX-License-Identifier: GPL-2.0

//! BPF multi-program attach points on network devices (`bpf_mprog`) and
//! their BPF links.
//!
//! C headers: [`include/linux/bpf_mprog.h`](srctree/include/linux/bpf_mprog.h),
//! [`include/linux/bpf.h`](srctree/include/linux/bpf.h).

use crate::{
    alloc::{flags::GFP_KERNEL_ACCOUNT, KBox},
    bindings,
    error::{from_result, to_result, Result},
    ffi::{c_int, c_void},
    net::{
        dev::{Driver, DriverDevice},
        rtnl::{Net, Rtnl},
        skbuff::{BpfNetContext, SkBuff},
    },
    prelude::*,
    seq_file::SeqFile,
    sync::{
        atomic::{self, atomic_load, Atomic, Full, Relaxed, Release},
        rcu,
    },
    types::Opaque,
};
use core::{marker::PhantomData, ptr};

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
        // SAFETY: Reading the union member of the command in progress.
        let a = unsafe { &self.raw().__bindgen_anon_5 };
        // SAFETY: `target_ifindex` is the union member used by netdev targets.
        let ifindex = unsafe { a.__bindgen_anon_1.target_ifindex };
        (ifindex, AttachType(a.attach_type))
    }

    /// `query.target_ifindex` and `query.attach_type`.
    fn query_target(&self) -> (u32, AttachType) {
        // SAFETY: Reading the union member of the command in progress.
        let q = unsafe { &self.raw().query };
        // SAFETY: `target_ifindex` is the union member used by netdev targets.
        let ifindex = unsafe { q.__bindgen_anon_1.target_ifindex };
        (ifindex, AttachType(q.attach_type))
    }

    /// `link_create.target_ifindex` and `link_create.attach_type`.
    fn link_target(&self) -> (u32, AttachType) {
        // SAFETY: Reading the union member of the command in progress.
        let l = unsafe { &self.raw().link_create };
        // SAFETY: `target_ifindex` is the union member used by netdev targets.
        let ifindex = unsafe { l.__bindgen_anon_2.target_ifindex };
        (ifindex, AttachType(l.attach_type))
    }
}

/// A BPF attach type (`enum bpf_attach_type`) of a network device.
///
/// # Examples
///
/// ```
/// use kernel::{bindings, net::mprog::AttachType};
///
/// let primary = AttachType::NETKIT_PRIMARY;
/// assert!(primary == AttachType::NETKIT_PRIMARY && primary != AttachType::NETKIT_PEER);
/// assert_eq!(primary.as_u32(), bindings::bpf_attach_type_BPF_NETKIT_PRIMARY);
/// assert_eq!(AttachType::TCX_EGRESS.as_u32(), bindings::bpf_attach_type_BPF_TCX_EGRESS);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AttachType(u32);

impl AttachType {
    /// `BPF_NETKIT_PRIMARY`.
    pub const NETKIT_PRIMARY: Self = Self(bindings::bpf_attach_type_BPF_NETKIT_PRIMARY);
    /// `BPF_NETKIT_PEER`.
    pub const NETKIT_PEER: Self = Self(bindings::bpf_attach_type_BPF_NETKIT_PEER);
    /// `BPF_TCX_INGRESS`.
    pub const TCX_INGRESS: Self = Self(bindings::bpf_attach_type_BPF_TCX_INGRESS);
    /// `BPF_TCX_EGRESS`.
    pub const TCX_EGRESS: Self = Self(bindings::bpf_attach_type_BPF_TCX_EGRESS);

    /// The number user space passed.
    pub fn as_u32(self) -> u32 {
        self.0
    }
}

/// The BPF link type of a driver's links; it chooses the `bpf_attr` and
/// `bpf_link_info` members the abstraction uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    /// `BPF_LINK_TYPE_NETKIT`.
    Netkit,
    /// `BPF_LINK_TYPE_TCX`.
    Tcx,
}

impl LinkType {
    const fn as_raw(self) -> u32 {
        match self {
            LinkType::Netkit => bindings::bpf_link_type_BPF_LINK_TYPE_NETKIT,
            LinkType::Tcx => bindings::bpf_link_type_BPF_LINK_TYPE_TCX,
        }
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

/// Where a driver's [`Mprog`] is in its private data; made by
/// [`mprog_field!`](crate::mprog_field) only.
///
/// # Invariants
///
/// `offset` is the offset of an `Mprog` field of `T::Priv`.
pub struct MprogField<T: Driver> {
    offset: usize,
    _p: PhantomData<T>,
}

impl<T: Driver> Clone for MprogField<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Driver> Copy for MprogField<T> {}

impl<T: Driver> MprogField<T> {
    /// # Safety
    ///
    /// `offset` must be the offset of a field of `T::Priv` whose type is
    /// `Mprog`.
    #[doc(hidden)]
    pub const unsafe fn new(offset: usize) -> Self {
        // A packed `T::Priv` could place the field below `Mprog`'s alignment.
        assert!(
            (crate::net::dev::data_offset::<T>() + offset) % core::mem::align_of::<Mprog>() == 0,
            "the Mprog field is not aligned"
        );
        // INVARIANT: Per the caller, with the alignment checked above (the
        // private area is `NETDEV_ALIGN`-aligned).
        Self {
            offset,
            _p: PhantomData,
        }
    }

    /// The attach point in `data`.
    #[inline(always)]
    pub fn get<'a>(&self, data: &'a T::Priv) -> &'a Mprog {
        // SAFETY: By the type invariant an aligned `Mprog` is at `offset` in
        // `data`.
        unsafe {
            &*ptr::from_ref(data)
                .cast::<u8>()
                .add(self.offset)
                .cast::<Mprog>()
        }
    }
}

/// The [`MprogField`] of field `$field` of `$T`'s private data, for
/// [`Driver::MPROG`](crate::net::dev::Driver::MPROG).
///
/// The field must be an [`Mprog`] itself, not a type that dereferences to
/// one, and directly in the private data type.
#[macro_export]
macro_rules! mprog_field {
    ($T:ty, $field:ident) => {{
        // `offset_of!` takes only a field of the type itself (no
        // auto-deref), and a raw pointer to it has exactly its type (no
        // deref coercion): this compiles only for an `Mprog` field.
        #[allow(dead_code)]
        fn check(p: &<$T as $crate::net::dev::Driver>::Priv) -> *const $crate::net::mprog::Mprog {
            &raw const p.$field
        }
        // SAFETY: `$field` is a field of type `Mprog` of the private data,
        // as `check` above proves.
        unsafe {
            $crate::net::mprog::MprogField::<$T>::new(::core::mem::offset_of!(
                <$T as $crate::net::dev::Driver>::Priv,
                $field
            ))
        }
    }};
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

/// The BPF link object of [`link_attach`].
///
/// # Invariants
///
/// `dev` is NULL or a device on whose `Mprog` the link is attached; it is
/// read and written under RTNL and cleared (detach, `release_all`) before
/// that device goes away.
#[repr(C)]
struct LinkObj {
    link: bindings::bpf_link,
    dev: *mut bindings::net_device,
}

impl LinkObj {
    /// # Safety
    ///
    /// `link` must be the `link` field of a `LinkObj`.
    unsafe fn from_link(link: *const bindings::bpf_link) -> *mut Self {
        // `link` is the first field of a `repr(C)` struct.
        link.cast_mut().cast()
    }
}

/// The `bpf_link_ops` of `T`'s links.
struct DevLink<T: MprogDriver>(PhantomData<T>);

impl<T: MprogDriver> DevLink<T> {
    const OPS: bindings::bpf_link_ops = bindings::bpf_link_ops {
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
        // SAFETY: `link` is a `LinkObj`; `dev` is only accessed under RTNL.
        let dev = unsafe { (*LinkObj::from_link(link)).dev };
        // SAFETY: A non-NULL `dev` is a live device of `T` (type invariant
        // of `LinkObj`; `link_attach::<T>` set it).
        (!dev.is_null()).then(|| unsafe { DriverDevice::from_raw(dev) })
    }

    /// # Safety
    ///
    /// `link` must be a live link of `T`; the caller is a link op, in
    /// process context, without RCU, spinlocks or RTNL held.
    unsafe fn ifindex(link: *const bindings::bpf_link) -> u32 {
        // SAFETY: Per the function's contract.
        let rtnl = unsafe { Rtnl::lock() };
        // SAFETY: As above.
        unsafe { Self::dev(&rtnl, link) }.map_or(0, |d| d.ifindex() as u32)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn release(link: *mut bindings::bpf_link) {
        // SAFETY: The BPF core calls link ops in process context, without
        // RCU, spinlocks or RTNL held.
        let rtnl = unsafe { Rtnl::lock() };
        // SAFETY: The BPF core calls this on a live link of `T`.
        let Some(dev) = (unsafe { Self::dev(&rtnl, link) }) else {
            return;
        };
        // SAFETY: The link is live; its program is only replaced under RTNL.
        let prog = unsafe { (*link).prog };
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
        // `netkit` and `tcx` members are the ones of these link types.
        unsafe {
            let ty = (*link).attach_type;
            let u = &mut (*info).__bindgen_anon_1;
            match T::LINK_TYPE {
                LinkType::Netkit => {
                    u.netkit.ifindex = ifindex;
                    u.netkit.attach_type = ty;
                }
                LinkType::Tcx => {
                    u.tcx.ifindex = ifindex;
                    u.tcx.attach_type = ty;
                }
            }
        }
        0
    }
}

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

/// `BPF_PROG_ATTACH` for driver `T` (what `netkit_prog_attach` does).
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
    // SAFETY: Per the function's contract.
    let (attr, prog, net) =
        unsafe { (&*attr.cast::<Attr>(), Prog::from_raw(prog), Net::current()) };
    // SAFETY: A `bpf(2)` syscall of the current task: process context,
    // without RCU, spinlocks or RTNL held.
    let rtnl = unsafe { Rtnl::lock() };
    from_result(|| {
        let (ifindex, attach_type) = attr.attach_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Prog)?;
        let a = attr.raw();
        // SAFETY: Reading the `BPF_PROG_ATTACH` union member.
        let a5 = unsafe { &a.__bindgen_anon_5 };
        let replace = if a5.attach_flags & F_REPLACE != 0 {
            // SAFETY: `prog` is valid.
            Some(ProgRef::get_type(a5.replace_bpf_fd, unsafe {
                (*prog.as_raw()).type_
            })?)
        } else {
            None
        };
        dev.mprog().attach_raw(
            &rtnl,
            prog.as_raw(),
            ptr::null_mut(),
            replace.as_ref().map_or(ptr::null_mut(), |r| r.0),
            a5.attach_flags,
            // SAFETY: `relative_fd` is the member used with netdev targets.
            unsafe { a5.__bindgen_anon_2.relative_fd },
            a5.expected_revision,
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
    // SAFETY: Per the function's contract.
    let (attr, net) = unsafe { (&*attr.cast::<Attr>(), Net::current()) };
    // SAFETY: A `bpf(2)` syscall of the current task: process context,
    // without RCU, spinlocks or RTNL held.
    let rtnl = unsafe { Rtnl::lock() };
    from_result(|| {
        let (ifindex, attach_type) = attr.attach_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Prog)?;
        // SAFETY: Reading the `BPF_PROG_DETACH` union member.
        let a5 = unsafe { &attr.raw().__bindgen_anon_5 };
        dev.mprog().detach_raw(
            &rtnl,
            prog,
            ptr::null_mut(),
            a5.attach_flags,
            // SAFETY: As in `prog_attach`.
            unsafe { a5.__bindgen_anon_2.relative_fd },
            a5.expected_revision,
        )?;
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
    // SAFETY: Per the function's contract.
    let (a, net) = unsafe { (&*attr.cast::<Attr>(), Net::current()) };
    // SAFETY: A `bpf(2)` syscall of the current task: process context,
    // without RCU, spinlocks or RTNL held.
    let rtnl = unsafe { Rtnl::lock() };
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
    // SAFETY: Per the function's contract.
    let (a, net) = unsafe { (&*attr.cast::<Attr>(), Net::current()) };
    // SAFETY: A `bpf(2)` syscall of the current task: process context,
    // without RCU, spinlocks or RTNL held.
    let rtnl = unsafe { Rtnl::lock() };
    from_result(|| {
        let (ifindex, attach_type) = a.link_target();
        let dev = target::<T>(&rtnl, net, ifindex, attach_type, Which::Link)?;
        let link = KBox::new(
            LinkObj {
                // SAFETY: All-zero is a valid, uninitialised `bpf_link`.
                link: unsafe { core::mem::zeroed() },
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
        // SAFETY: All-zero is a valid primer, filled by `bpf_link_prime`.
        let mut primer: bindings::bpf_link_primer = unsafe { core::mem::zeroed() };
        // SAFETY: `l` is initialised.
        let r = unsafe { bindings::bpf_link_prime(l, &mut primer) };
        if r != 0 {
            // SAFETY: Not primed, so not visible to anyone: free it here.
            drop(unsafe { KBox::from_raw(link) });
            return Err(Error::from_errno(r));
        }
        // SAFETY: Reading the `BPF_LINK_CREATE` union member of the link
        // type (`netkit` and `tcx` share a layout).
        let (flags, rel, rev) = unsafe {
            let lc = &a.raw().link_create;
            let m = match T::LINK_TYPE {
                LinkType::Netkit => &lc.__bindgen_anon_3.netkit,
                LinkType::Tcx => &*(&raw const lc.__bindgen_anon_3.tcx).cast(),
            };
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

/// Exports the C entry points the BPF core calls for a driver's attach types
/// (declared in a C header), with a compile-time check of their prototypes.
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
        // The prototypes must match the C declarations.
        const _: () = {
            let _ = [$crate::bindings::$a, $a];
            let _ = [$crate::bindings::$d, $d];
            let _ = [$crate::bindings::$q, $q];
            let _ = [$crate::bindings::$l, $l];
        };
    };
}
