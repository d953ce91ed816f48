// SPDX-License-Identifier: GPL-2.0

//! Routing netlink: the RTNL lock, link types (`rtnl_link_ops`), netlink
//! attributes and extended acks.
//!
//! C headers: [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h),
//! [`include/net/netlink.h`](srctree/include/net/netlink.h).

use crate::{
    bindings,
    error::{from_result, to_result, Result, VTABLE_DEFAULT_ERROR},
    ffi::{c_char, c_int, c_uint},
    net::dev::{self, Device, DevicePtr, Driver, DriverDevice},
    prelude::*,
    types::{NotThreadSafe, Opaque},
};
use core::{
    fmt,
    marker::PhantomData,
    ptr,
    sync::atomic::{AtomicBool, Ordering},
};

/// Proof that the RTNL lock is held.
///
/// Only ever seen by reference, from [`Rtnl::lock`] or from a callback the
/// core runs under RTNL.
pub struct Rtnl(NotThreadSafe);

/// Holds the RTNL lock; released on drop.
pub struct RtnlGuard(Rtnl);

impl Rtnl {
    /// Takes the RTNL lock (`rtnl_lock`).
    pub fn lock() -> RtnlGuard {
        // SAFETY: FFI call without preconditions; may sleep.
        unsafe { bindings::rtnl_lock() };
        RtnlGuard(Rtnl(NotThreadSafe))
    }

    /// Returns a token for a context the core runs under RTNL.
    ///
    /// # Safety
    ///
    /// The RTNL lock must be held for `'a`.
    #[inline]
    pub unsafe fn assume_held<'a>() -> &'a Rtnl {
        static TOKEN: RtnlToken = RtnlToken(Rtnl(NotThreadSafe));
        &TOKEN.0
    }
}

struct RtnlToken(Rtnl);
// SAFETY: The token carries no data; holding a reference proves nothing by
// itself, only `assume_held`'s contract does.
unsafe impl Sync for RtnlToken {}

impl core::ops::Deref for RtnlGuard {
    type Target = Rtnl;

    fn deref(&self) -> &Rtnl {
        &self.0
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: The lock was taken in `Rtnl::lock`.
        unsafe { bindings::rtnl_unlock() };
    }
}

/// A netlink extended ack (`struct netlink_ext_ack`); the core may pass none,
/// and then messages go nowhere.
///
/// # Invariants
///
/// `self.0` is NULL or valid and exclusively ours while `self` lives.
pub struct ExtAck(*mut bindings::netlink_ext_ack);

/// Length of the formatted message buffer (`NETLINK_MAX_FMTMSG_LEN`).
const FMTMSG_LEN: usize = bindings::NETLINK_MAX_FMTMSG_LEN as usize;

impl ExtAck {
    /// Wraps a raw pointer, which may be NULL.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or valid and exclusively ours while the result lives.
    pub unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
        Self(ptr)
    }

    fn raw(&mut self) -> Option<&mut bindings::netlink_ext_ack> {
        // SAFETY: Per the type invariant.
        unsafe { self.0.as_mut() }
    }

    /// Sets the message (`NL_SET_ERR_MSG`).
    pub fn set_msg(&mut self, msg: &'static CStr) {
        // SAFETY: `msg` is a static string, as tracing requires.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if let Some(e) = self.raw() {
            e._msg = msg.as_char_ptr();
        }
    }

    /// Sets the message and the offending attribute (`NL_SET_ERR_MSG_ATTR`).
    pub fn set_msg_attr(&mut self, msg: &'static CStr, attr: &Attr) {
        // SAFETY: As for `set_msg`.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if let Some(e) = self.raw() {
            e._msg = msg.as_char_ptr();
            e.bad_attr = attr.0.get();
        }
    }

    /// Sets a formatted message (`NL_SET_ERR_MSG_FMT`), truncated to the
    /// netlink limit.
    pub fn set_msg_fmt(&mut self, args: fmt::Arguments<'_>) {
        self.fmt_inner(args, None)
    }

    /// Sets a formatted message and the offending attribute
    /// (`NL_SET_ERR_MSG_ATTR_FMT`).
    pub fn set_msg_attr_fmt(&mut self, attr: &Attr, args: fmt::Arguments<'_>) {
        self.fmt_inner(args, Some(attr))
    }

    fn fmt_inner(&mut self, args: fmt::Arguments<'_>, attr: Option<&Attr>) {
        let Some(e) = self.raw() else { return };
        let buf = &mut e._msg_buf;
        let mut w = BufWriter { buf, pos: 0 };
        let _ = fmt::write(&mut w, args);
        let end = w.pos.min(FMTMSG_LEN - 1);
        buf[end] = 0;
        // SAFETY: `_msg_buf` is NUL-terminated and lives as long as the extack.
        unsafe { bindings::do_trace_netlink_extack(buf.as_ptr()) };
        e._msg = e._msg_buf.as_ptr();
        if let Some(a) = attr {
            e.bad_attr = a.0.get();
        }
    }
}

struct BufWriter<'a> {
    buf: &'a mut [c_char; FMTMSG_LEN],
    pos: usize,
}

impl fmt::Write for BufWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.pos + 1 >= FMTMSG_LEN {
                break;
            }
            self.buf[self.pos] = b as c_char;
            self.pos += 1;
        }
        Ok(())
    }
}

/// A netlink attribute (`struct nlattr`) that passed its policy.
#[repr(transparent)]
pub struct Attr(Opaque<bindings::nlattr>);

impl Attr {
    /// Payload length (`nla_len`).
    pub fn len(&self) -> usize {
        // SAFETY: The attribute is valid.
        unsafe { bindings::nla_len(self.0.get()) as usize }
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The payload (`nla_data`).
    pub fn data(&self) -> &[u8] {
        // SAFETY: `nla_data` points to `nla_len` bytes inside the message,
        // which outlives `self`.
        unsafe { core::slice::from_raw_parts(bindings::nla_data(self.0.get()).cast(), self.len()) }
    }

    /// The payload as a `u32` (`nla_get_u32`); the policy checked the size.
    pub fn get_u32(&self) -> u32 {
        let d = self.data();
        u32::from_ne_bytes([d[0], d[1], d[2], d[3]])
    }

    /// The payload as a `u16` (`nla_get_u16`).
    pub fn get_u16(&self) -> u16 {
        let d = self.data();
        u16::from_ne_bytes([d[0], d[1]])
    }

    /// The payload as a `struct ifinfomsg` header (policy: at least its size).
    pub fn ifinfomsg(&self) -> bindings::ifinfomsg {
        // SAFETY: The policy guarantees at least `sizeof(ifinfomsg)` bytes;
        // the payload may be unaligned.
        unsafe { ptr::read_unaligned(bindings::nla_data(self.0.get()).cast()) }
    }
}

/// A parsed attribute table (`struct nlattr *tb[]`), indexed by type.
#[derive(Clone, Copy)]
pub struct Attrs<'a> {
    tb: *const *mut bindings::nlattr,
    len: usize,
    _p: PhantomData<&'a Attr>,
}

impl<'a> Attrs<'a> {
    /// Wraps a table of `len` entries.
    ///
    /// # Safety
    ///
    /// `tb` must be NULL or point to `len` entries, each NULL or a valid
    /// attribute, valid for `'a`.
    pub unsafe fn from_raw(tb: *const *mut bindings::nlattr, len: usize) -> Self {
        Self {
            tb,
            len,
            _p: PhantomData,
        }
    }

    /// Whether there is no table (no `IFLA_INFO_DATA`).
    pub fn is_none(&self) -> bool {
        self.tb.is_null()
    }

    /// Returns attribute `ty`, if present.
    pub fn get(&self, ty: u32) -> Option<&'a Attr> {
        let ty = ty as usize;
        if self.tb.is_null() || ty >= self.len {
            return None;
        }
        // SAFETY: `ty < len` and entries are NULL or valid for `'a`.
        let p = unsafe { *self.tb.add(ty) };
        // SAFETY: Non-null entries are valid attributes; transparent wrapper.
        (!p.is_null()).then(|| unsafe { &*p.cast::<Attr>() })
    }
}

/// `IFLA_*` link attributes.
pub mod ifla {
    use crate::bindings;
    /// `IFLA_ADDRESS`.
    pub const ADDRESS: u32 = bindings::IFLA_ADDRESS;
    /// `IFLA_IFNAME`.
    pub const IFNAME: u32 = bindings::IFLA_IFNAME;
    /// `IFLA_MAX`.
    pub const MAX: u32 = bindings::IFLA_MAX;
}

/// An attribute table for a peer's `ifinfomsg` + attributes, parsed by
/// `rtnl_nla_parse_ifinfomsg`.
pub struct PeerAttrs {
    tb: [*mut bindings::nlattr; bindings::IFLA_MAX as usize + 1],
    ifi_index: i32,
}

impl PeerAttrs {
    /// Parses the peer info nested in `attr`.
    pub fn parse(attr: &Attr, extack: &mut ExtAck) -> Result<Self> {
        let mut this = Self {
            tb: [ptr::null_mut(); bindings::IFLA_MAX as usize + 1],
            ifi_index: 0,
        };
        // SAFETY: `tb` has `IFLA_MAX + 1` entries, `attr` and `extack` are valid.
        to_result(unsafe {
            bindings::rtnl_nla_parse_ifinfomsg(this.tb.as_mut_ptr(), attr.0.get(), extack.0)
        })?;
        this.ifi_index = attr.ifinfomsg().ifi_index;
        Ok(this)
    }

    /// The parsed attributes.
    pub fn attrs(&self) -> Attrs<'_> {
        // SAFETY: The table has `IFLA_MAX + 1` entries pointing into the
        // request, which outlives the newlink call and `self`.
        unsafe { Attrs::from_raw(self.tb.as_ptr(), self.tb.len()) }
    }

    /// `ifi_index` of the peer's `ifinfomsg`.
    pub fn ifi_index(&self) -> i32 {
        self.ifi_index
    }
}

/// A netlink attribute policy table (`struct nla_policy[]`).
///
/// # Examples
///
/// ```
/// use kernel::bindings::{
///     nla_policy_validation_NLA_VALIDATE_MAX as VALIDATE_MAX,
///     nla_policy_validation_NLA_VALIDATE_NONE as VALIDATE_NONE, NLA_REJECT, NLA_U32, NLA_UNSPEC,
/// };
/// use kernel::net::rtnl::{nla, Policy, PolicyEntry};
///
/// static POLICY: Policy<4> = Policy::new([
///     PolicyEntry::UNSPEC,
///     PolicyEntry::of_type(nla::U32),
///     PolicyEntry::max(nla::U32, 1),
///     PolicyEntry::reject(c"read-only"),
/// ]);
///
/// let p = POLICY.as_slice();
/// assert_eq!(p.len(), 4);
/// assert_eq!(u32::from(p[0].type_), NLA_UNSPEC);
/// assert_eq!(u32::from(p[1].type_), NLA_U32);
/// assert_eq!(u32::from(p[1].validation_type), VALIDATE_NONE);
/// assert_eq!(u32::from(p[2].type_), NLA_U32);
/// assert_eq!(u32::from(p[2].validation_type), VALIDATE_MAX);
/// assert_eq!(u32::from(p[3].type_), NLA_REJECT);
/// ```
#[repr(transparent)]
pub struct Policy<const N: usize>([bindings::nla_policy; N]);

// SAFETY: The table is read-only after construction; its pointers are to
// static strings.
unsafe impl<const N: usize> Sync for Policy<N> {}

/// One policy entry.
#[derive(Clone, Copy)]
pub struct PolicyEntry(bindings::nla_policy);

impl PolicyEntry {
    const fn zeroed() -> bindings::nla_policy {
        // SAFETY: All-zero is `NLA_UNSPEC` without limits.
        unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
    }

    /// No policy (`NLA_UNSPEC`, any length).
    pub const UNSPEC: Self = Self(Self::zeroed());

    /// `{ .type = ty }`.
    pub const fn of_type(ty: u32) -> Self {
        let mut p = Self::zeroed();
        p.type_ = ty as u8;
        Self(p)
    }

    /// `{ .len = len }`: unspecified type of at least `len` bytes.
    pub const fn min_len(len: u16) -> Self {
        let mut p = Self::zeroed();
        p.len = len;
        Self(p)
    }

    /// `NLA_POLICY_MAX(ty, max)`.
    pub const fn max(ty: u32, max: i16) -> Self {
        let mut p = Self::zeroed();
        p.type_ = ty as u8;
        p.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MAX as u8;
        p.__bindgen_anon_1.__bindgen_anon_1.max = max;
        Self(p)
    }

    /// `{ .type = NLA_REJECT, .reject_message = msg }`.
    pub const fn reject(msg: &'static CStr) -> Self {
        let mut p = Self::zeroed();
        p.type_ = bindings::NLA_REJECT as u8;
        p.__bindgen_anon_1.reject_message = crate::str::as_char_ptr_in_const_context(msg);
        Self(p)
    }
}

/// Attribute types (`NLA_*`).
pub mod nla {
    use crate::bindings;
    /// `NLA_U16`.
    pub const U16: u32 = bindings::NLA_U16;
    /// `NLA_U32`.
    pub const U32: u32 = bindings::NLA_U32;
}

impl<const N: usize> Policy<N> {
    /// Builds a table; entry `i` is the policy of attribute type `i`.
    pub const fn new(entries: [PolicyEntry; N]) -> Self {
        let mut t = [PolicyEntry::zeroed(); N];
        let mut i = 0;
        while i < N {
            t[i] = entries[i].0;
            i += 1;
        }
        Self(t)
    }

    /// The table as a slice.
    pub const fn as_slice(&'static self) -> &'static [bindings::nla_policy] {
        &self.0
    }
}

/// A netlink message being filled (`fill_info`).
#[repr(transparent)]
pub struct Msg(Opaque<bindings::sk_buff>);

impl Msg {
    fn put(&mut self, ty: u32, data: &[u8]) -> Result {
        // SAFETY: `self` is the message being built; `data` is valid.
        let r = unsafe {
            bindings::nla_put(
                self.0.get(),
                ty as c_int,
                data.len() as c_int,
                data.as_ptr().cast(),
            )
        };
        if r != 0 {
            return Err(EMSGSIZE);
        }
        Ok(())
    }

    /// `nla_put_u8`; `EMSGSIZE` if full.
    pub fn put_u8(&mut self, ty: u32, v: u8) -> Result {
        self.put(ty, &[v])
    }

    /// `nla_put_u16`; `EMSGSIZE` if full.
    pub fn put_u16(&mut self, ty: u32, v: u16) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// `nla_put_u32`; `EMSGSIZE` if full.
    pub fn put_u32(&mut self, ty: u32, v: u32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }
}

/// Total size of an attribute with a `payload`-byte payload (`nla_total_size`).
///
/// # Examples
///
/// ```
/// use kernel::net::rtnl::nla_total_size;
///
/// // A 4-byte header, the payload, padding to 4 bytes.
/// assert_eq!(nla_total_size(0), 4);
/// assert_eq!(nla_total_size(1), 8);
/// assert_eq!(nla_total_size(4), 8);
/// assert_eq!(nla_total_size(5), 12);
/// ```
pub const fn nla_total_size(payload: usize) -> usize {
    let hdr = core::mem::size_of::<bindings::nlattr>();
    (hdr + payload + 3) & !3
}

/// A network namespace handle (`struct net *`).
///
/// # Invariants
///
/// The namespace is live for the call it is obtained in (that of a device,
/// the caller's, or one the core hands to a callback).
#[derive(Clone, Copy)]
pub struct Net(*mut bindings::net);

impl Net {
    /// The namespace of `dev`.
    pub fn of(dev: &Device) -> Self {
        Self(dev.net())
    }

    /// The caller's namespace (`current->nsproxy->net_ns`).
    pub(crate) fn current() -> Self {
        // SAFETY: `current` is valid and, in syscall context, has an nsproxy.
        Self(unsafe { (*(*bindings::get_current()).nsproxy).net_ns })
    }

    /// The raw pointer.
    pub fn as_raw(self) -> *mut bindings::net {
        self.0
    }
}

/// How an interface name was chosen (`NET_NAME_*`).
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum NameAssign {
    /// Enumerated by the kernel (`NET_NAME_ENUM`).
    Enum = bindings::NET_NAME_ENUM as u8,
    /// Given by user space (`NET_NAME_USER`).
    User = bindings::NET_NAME_USER as u8,
}

/// An interface name (`IFNAMSIZ` bytes, NUL-terminated).
pub struct IfName([u8; bindings::IFNAMSIZ as usize]);

impl IfName {
    /// A name from a string such as `c"nk%d"`.
    pub fn new(s: &CStr) -> Self {
        let mut n = [0u8; bindings::IFNAMSIZ as usize];
        let b = s.to_bytes();
        let l = b.len().min(n.len() - 1);
        n[..l].copy_from_slice(&b[..l]);
        Self(n)
    }

    /// A name from an `IFLA_IFNAME` attribute (`nla_strscpy`).
    pub fn from_attr(attr: &Attr) -> Self {
        let mut n = [0u8; bindings::IFNAMSIZ as usize];
        // SAFETY: `n` has `IFNAMSIZ` bytes; `attr` is valid.
        unsafe { bindings::nla_strscpy(n.as_mut_ptr().cast(), attr.0.get(), n.len()) };
        Self(n)
    }
}

/// The parameters of `newlink` (`struct rtnl_newlink_params`).
pub struct NewLinkParams<'a>(&'a bindings::rtnl_newlink_params);

impl<'a> NewLinkParams<'a> {
    /// The link attributes (`tb`).
    pub fn tb(&self) -> Attrs<'a> {
        // SAFETY: `tb` has `IFLA_MAX + 1` entries for the call.
        unsafe { Attrs::from_raw(self.0.tb, bindings::IFLA_MAX as usize + 1) }
    }

    /// The kind-specific attributes (`data`), of `T::POLICY`'s size.
    pub fn data<T: LinkOps>(&self) -> Attrs<'a> {
        // SAFETY: `data` is NULL or has `maxtype + 1` entries for the call.
        unsafe { Attrs::from_raw(self.0.data, T::MAX_TYPE as usize + 1) }
    }

    /// The namespace the peer goes to (`rtnl_newlink_peer_net`).
    pub fn peer_net(&self) -> Net {
        // SAFETY: `params` is valid for the call.
        Net(unsafe { bindings::rtnl_newlink_peer_net(ptr::from_ref(self.0).cast_mut()) })
    }
}

/// A device allocated for `T` that is not registered yet.
///
/// Until registration only its creator can reach it, so it gives mutable
/// access to the private data.
pub struct NewDevice<'a, T: LinkOps> {
    dev: *mut bindings::net_device,
    /// Whether dropping it frees it (a peer we allocated; the core frees the
    /// device it hands to `newlink`).
    owned: bool,
    _p: PhantomData<&'a T>,
}

impl<'a, T: LinkOps> NewDevice<'a, T> {
    /// The device.
    pub fn dev(&self) -> &DriverDevice<T> {
        // SAFETY: The device was allocated for `T`, valid while `self` lives.
        unsafe { DriverDevice::from_raw(self.dev) }
    }

    /// Sets the name (may be a `%d` template).
    pub fn set_name(&mut self, name: &IfName) {
        // SAFETY: The device is ours; `name` is NUL-terminated within IFNAMSIZ.
        unsafe {
            (*self.dev)
                .name
                .as_mut_ptr()
                .copy_from(name.0.as_ptr().cast(), name.0.len())
        };
    }

    /// Sets the ifindex to register with.
    pub fn set_ifindex(&mut self, ifindex: i32) {
        // SAFETY: The device is ours.
        unsafe { (*self.dev).ifindex = ifindex };
    }

    /// Advertises AF_XDP zero-copy support (`xdp_set_features_flag`).
    pub fn set_xdp_features_xsk(&mut self) {
        // SAFETY: The device is ours and not yet registered.
        unsafe { bindings::xdp_set_features_flag(self.dev, bindings::NETDEV_XDP_ACT_XSK) }
    }

    /// Registers the device (`register_netdevice`).
    pub fn register(mut self, _rtnl: &Rtnl) -> Result<&'a DriverDevice<T>> {
        // SAFETY: The device is fully set up and RTNL is held.
        let r = unsafe { bindings::register_netdevice(self.dev) };
        if r < 0 {
            return Err(Error::from_errno(r));
        }
        self.owned = false;
        // SAFETY: Registered devices live until unregistered under RTNL,
        // which the caller holds for `'a`.
        Ok(unsafe { DriverDevice::from_raw(self.dev) })
    }
}

impl<T: LinkOps> Drop for NewDevice<'_, T> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: We allocated the device and never registered it.
            unsafe { bindings::free_netdev(self.dev) };
        }
    }
}

/// A batch of devices to unregister (`LIST_HEAD` + `unregister_netdevice_many`).
pub struct UnregisterList<'a>(*mut bindings::list_head, PhantomData<&'a mut ()>);

impl UnregisterList<'_> {
    /// Queues `dev` (`unregister_netdevice_queue`).
    pub fn queue(&mut self, _rtnl: &Rtnl, dev: &Device) {
        // SAFETY: `dev` is registered, RTNL is held, the list is valid.
        unsafe { bindings::unregister_netdevice_queue(dev.as_raw(), self.0) }
    }
}

/// Runs `f` with a fresh unregister list, then unregisters what it queued
/// (`unregister_netdevice_many`).
pub fn unregister_many(rtnl: &Rtnl, f: impl FnOnce(&mut UnregisterList<'_>)) {
    let _ = rtnl;
    let mut head = bindings::list_head {
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
    };
    let hp = &raw mut head;
    // SAFETY: `head` is a valid list head on our stack.
    unsafe { bindings::INIT_LIST_HEAD(hp) };
    f(&mut UnregisterList(hp, PhantomData));
    // SAFETY: RTNL is held; every entry was queued under it.
    unsafe { bindings::unregister_netdevice_many(hp) };
}

/// Announces a newly registered device (`rtnl_configure_link`).
pub fn configure_link(_rtnl: &Rtnl, dev: &Device) -> Result {
    // SAFETY: `dev` is registered and RTNL is held.
    to_result(unsafe {
        bindings::rtnl_configure_link(dev.as_raw(), ptr::null_mut(), 0, ptr::null_mut())
    })
}

/// Unregisters a registered device right away (`unregister_netdevice`).
pub fn unregister(_rtnl: &Rtnl, dev: &Device) {
    // SAFETY: `dev` is registered and RTNL is held.
    unsafe { bindings::unregister_netdevice(dev.as_raw()) }
}

/// Publishes `a` and `b` as each other's peer.
///
/// Both must be registered devices of `T`; the abstraction unpublishes them
/// when either is deleted (see [`LinkOps::dellink`]).
pub fn pair<T: LinkOps>(rtnl: &Rtnl, a: &DriverDevice<T>, b: &DriverDevice<T>) {
    let (Some(pa), Some(pb)) = (T::peer(a.data()), T::peer(b.data())) else {
        return;
    };
    // SAFETY: Both devices are registered (`NewDevice::register` returned
    // them); every deletion path of a `T` device runs `dellink`, whose
    // adapter clears both pointers before the devices are queued.
    unsafe {
        pb.set(rtnl, a);
        pa.set(rtnl, b);
    }
}

/// Deletes `dev` as `rtnl_link_ops->dellink` would: clears the peer
/// pointers, then lets `T` queue the devices.
pub fn dellink<T: LinkOps>(rtnl: &Rtnl, dev: &DriverDevice<T>, list: &mut UnregisterList<'_>) {
    let peer = T::peer(dev.data()).and_then(|p| p.clear(rtnl));
    let peer = peer.and_then(|p| p.downcast::<T>());
    if let Some(p) = peer {
        if let Some(pp) = T::peer(p.data()) {
            pp.clear(rtnl);
        }
    }
    T::dellink(rtnl, dev, peer, list);
}

/// A link type: `rtnl_link_ops` of a [`Driver`].
#[vtable]
pub trait LinkOps: Driver {
    /// `kind`, as in `ip link add type KIND`.
    const KIND: &'static CStr;

    /// `maxtype`: the highest `IFLA_INFO_DATA` attribute.
    const MAX_TYPE: u32;

    /// `peer_type`: the attribute carrying the peer's info, if any.
    const PEER_TYPE: u16 = 0;

    /// The one `rtnl_link_ops` table of `T` (a `static`).
    fn link_ops() -> &'static LinkOpsTable<Self>;

    /// The policy of `IFLA_INFO_DATA`: `MAX_TYPE + 1` entries.
    const POLICY: &'static [bindings::nla_policy];

    /// The peer pointer in the private data, for paired devices.
    fn peer(_data: &Self::Priv) -> Option<&DevicePtr> {
        None
    }

    /// `alloc`: checks the requested queue counts; returns the number of tx
    /// and rx queues that are active at creation.
    fn alloc_queues(_num_tx: u32, _num_rx: u32) -> Result<(u32, u32)> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `validate`.
    fn validate(_tb: Attrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `newlink`: sets up and registers `dev` (and any peer).
    fn newlink(
        rtnl: &Rtnl,
        dev: NewDevice<'_, Self>,
        params: &NewLinkParams<'_>,
        extack: &mut ExtAck,
    ) -> Result;

    /// `dellink`: queues `dev` and its (already unpaired) peer.
    fn dellink(
        rtnl: &Rtnl,
        dev: &DriverDevice<Self>,
        peer: Option<&DriverDevice<Self>>,
        list: &mut UnregisterList<'_>,
    );

    /// `changelink`.
    fn changelink(
        _rtnl: &Rtnl,
        _dev: &DriverDevice<Self>,
        _tb: Attrs<'_>,
        _data: Attrs<'_>,
        _extack: &mut ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `get_size`: the room `fill_info` needs.
    fn get_size(_dev: &DriverDevice<Self>) -> usize {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `fill_info`.
    fn fill_info(_rtnl: &Rtnl, _dev: &DriverDevice<Self>, _msg: &mut Msg) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `get_link_net`.
    fn get_link_net(_rtnl: &Rtnl, _dev: &DriverDevice<Self>) -> Net {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Creates a peer device of `T` in `net` (`rtnl_create_link`).
    fn create_peer<'a>(
        _rtnl: &'a Rtnl,
        net: Net,
        name: &IfName,
        assign: NameAssign,
        tb: Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result<NewDevice<'a, Self>> {
        let e = extack.0;
        // SAFETY: RTNL is held; `tb` has `IFLA_MAX + 1` entries; the ops
        // table is `T`'s registered one.
        let dev = unsafe {
            bindings::rtnl_create_link(
                net.0,
                name.0.as_ptr().cast(),
                assign as u8,
                Self::link_ops().as_raw(),
                tb.tb.cast_mut(),
                e,
            )
        };
        let dev = crate::error::from_err_ptr(dev)?;
        Ok(NewDevice {
            dev,
            owned: true,
            _p: PhantomData,
        })
    }
}

/// The `rtnl_link_ops` of `T`. Must live in a `static`; the core links it
/// into its list while registered.
///
/// # Invariants
///
/// `registered` is true while a [`Registration`] holds the table, so the
/// core never sees it registered twice.
pub struct LinkOpsTable<T: LinkOps> {
    ops: Opaque<bindings::rtnl_link_ops>,
    registered: AtomicBool,
    _p: PhantomData<T>,
}

// SAFETY: After construction only the core writes the table (its list and
// srcu members), under its own locks.
unsafe impl<T: LinkOps> Sync for LinkOpsTable<T> {}

impl<T: LinkOps> Default for LinkOpsTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: LinkOps> LinkOpsTable<T> {
    /// Builds the table from `T`'s callbacks.
    pub const fn new() -> Self {
        // SAFETY: All-zero is a valid, empty `rtnl_link_ops`.
        let mut o: bindings::rtnl_link_ops =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        o.kind = crate::str::as_char_ptr_in_const_context(T::KIND);
        o.priv_size = core::mem::size_of::<T::Priv>();
        o.alloc = if T::HAS_ALLOC_QUEUES {
            Some(LinkAdapter::<T>::alloc)
        } else {
            None
        };
        o.setup = Some(LinkAdapter::<T>::setup);
        o.peer_type = T::PEER_TYPE;
        o.maxtype = T::MAX_TYPE;
        assert!(T::POLICY.len() == T::MAX_TYPE as usize + 1);
        o.policy = T::POLICY.as_ptr();
        o.validate = if T::HAS_VALIDATE {
            Some(LinkAdapter::<T>::validate)
        } else {
            None
        };
        o.newlink = Some(LinkAdapter::<T>::newlink);
        o.dellink = Some(LinkAdapter::<T>::dellink);
        o.changelink = if T::HAS_CHANGELINK {
            Some(LinkAdapter::<T>::changelink)
        } else {
            None
        };
        o.get_size = if T::HAS_GET_SIZE {
            Some(LinkAdapter::<T>::get_size)
        } else {
            None
        };
        o.fill_info = if T::HAS_FILL_INFO {
            Some(LinkAdapter::<T>::fill_info)
        } else {
            None
        };
        o.get_link_net = if T::HAS_GET_LINK_NET {
            Some(LinkAdapter::<T>::get_link_net)
        } else {
            None
        };
        Self {
            ops: Opaque::new(o),
            registered: AtomicBool::new(false),
            _p: PhantomData,
        }
    }

    fn as_raw(&self) -> *mut bindings::rtnl_link_ops {
        self.ops.get()
    }
}

struct LinkAdapter<T: LinkOps>(PhantomData<T>);

impl<T: LinkOps> LinkAdapter<T> {
    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn alloc(
        _tb: *mut *mut bindings::nlattr,
        ifname: *const c_char,
        name_assign_type: u8,
        num_tx: c_uint,
        num_rx: c_uint,
    ) -> *mut bindings::net_device {
        let (real_tx, real_rx) = match T::alloc_queues(num_tx, num_rx) {
            Ok(r) => r,
            Err(e) => return e.to_ptr(),
        };
        // SAFETY: `ifname` is a valid name; `setup` matches `priv_size`.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                core::mem::size_of::<T::Priv>() as c_int,
                ifname,
                name_assign_type,
                Some(LinkAdapter::<T>::setup),
                num_tx,
                num_rx,
            )
        };
        if !dev.is_null() {
            // SAFETY: A fresh, unregistered device only we can see.
            unsafe {
                (*dev).real_num_tx_queues = real_tx;
                (*dev).real_num_rx_queues = real_rx;
            }
        }
        dev
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn setup(dev: *mut bindings::net_device) {
        // SAFETY: Called by `alloc_netdev_mqs` with a private area of
        // `size_of::<T::Priv>()` bytes.
        unsafe { dev::setup::<T>(dev) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn validate(
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: The core passes tables of `IFLA_MAX + 1` and `maxtype + 1`
        // entries (data may be NULL) and a valid or NULL extack.
        let (tb, data, extack) = unsafe {
            (
                Attrs::from_raw(tb, bindings::IFLA_MAX as usize + 1),
                Attrs::from_raw(data, T::MAX_TYPE as usize + 1),
                &mut ExtAck::from_raw(extack),
            )
        };
        from_result(|| T::validate(tb, data, extack).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn newlink(
        dev: *mut bindings::net_device,
        params: *mut bindings::rtnl_newlink_params,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: `newlink` runs under RTNL with an unregistered device of
        // `T` that the core frees on failure, valid params and extack.
        let (rtnl, params, extack) = unsafe {
            (
                Rtnl::assume_held(),
                NewLinkParams(&*params),
                &mut ExtAck::from_raw(extack),
            )
        };
        let dev = NewDevice {
            dev,
            owned: false,
            _p: PhantomData,
        };
        from_result(|| T::newlink(rtnl, dev, &params, extack).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn dellink(dev: *mut bindings::net_device, head: *mut bindings::list_head) {
        // SAFETY: `dellink` runs under RTNL on a registered device of `T`
        // with a valid list head.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), DriverDevice::<T>::from_raw(dev)) };
        dellink::<T>(rtnl, dev, &mut UnregisterList(head, PhantomData));
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn changelink(
        dev: *mut bindings::net_device,
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: As for `validate`, under RTNL, on a device of `T`.
        let (rtnl, dev, tb, data, extack) = unsafe {
            (
                Rtnl::assume_held(),
                DriverDevice::<T>::from_raw(dev),
                Attrs::from_raw(tb, bindings::IFLA_MAX as usize + 1),
                Attrs::from_raw(data, T::MAX_TYPE as usize + 1),
                &mut ExtAck::from_raw(extack),
            )
        };
        from_result(|| T::changelink(rtnl, dev, tb, data, extack).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_size(dev: *const bindings::net_device) -> usize {
        // SAFETY: Called on a device of `T`.
        T::get_size(unsafe { DriverDevice::from_raw(dev) })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn fill_info(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
    ) -> c_int {
        // SAFETY: Called under RTNL on a device of `T`, with the message
        // being built.
        let (rtnl, dev, msg) = unsafe {
            (
                Rtnl::assume_held(),
                DriverDevice::<T>::from_raw(dev),
                &mut *skb.cast::<Msg>(),
            )
        };
        from_result(|| T::fill_info(rtnl, dev, msg).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_link_net(dev: *const bindings::net_device) -> *mut bindings::net {
        // SAFETY: Called under RTNL on a device of `T`.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), DriverDevice::<T>::from_raw(dev)) };
        T::get_link_net(rtnl, dev).0
    }
}

/// Keeps a link type registered (`rtnl_link_register`) until dropped.
///
/// # Invariants
///
/// `self.0` is registered with the core and its `registered` flag is set.
pub struct Registration<T: LinkOps>(&'static LinkOpsTable<T>);

impl<T: LinkOps> Registration<T> {
    /// Registers `T::link_ops()`; `EEXIST` if it or its kind already is.
    pub fn register() -> Result<Self> {
        let table = T::link_ops();
        if table.registered.swap(true, Ordering::Acquire) {
            return Err(EEXIST);
        }
        // SAFETY: The table is a static with a valid setup and dellink, and
        // the flag above keeps it from being registered twice.
        let ret = to_result(unsafe { bindings::rtnl_link_register(table.as_raw()) });
        if let Err(e) = ret {
            table.registered.store(false, Ordering::Release);
            return Err(e);
        }
        Ok(Self(table))
    }
}

impl<T: LinkOps> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the table is registered.
        unsafe { bindings::rtnl_link_unregister(self.0.as_raw()) };
        self.0.registered.store(false, Ordering::Release);
    }
}
