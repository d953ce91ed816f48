// SPDX-License-Identifier: GPL-2.0

//! Netlink attributes: parsed tables, policies, and the messages
//! `fill_info` writes.

use super::ExtAck;
use crate::{
    bindings,
    error::to_result,
    ffi::c_int,
    prelude::*,
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    mem::size_of,
    ptr, //
};

/// A netlink attribute (`struct nlattr`) inside a request.
///
/// # Invariants
///
/// The attribute header and its `nla_len` payload bytes are readable.
#[repr(transparent)]
pub struct Attr(Opaque<bindings::nlattr>);

impl Attr {
    pub(crate) fn as_raw(&self) -> *mut bindings::nlattr {
        self.0.get()
    }

    /// Payload length (`nla_len`).
    pub fn len(&self) -> usize {
        // SAFETY: The header is readable (type invariant).
        unsafe { bindings::nla_len(self.as_raw()) as usize }
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The payload (`nla_data`).
    pub fn data(&self) -> &[u8] {
        // SAFETY: `nla_data` points to `nla_len` readable bytes (type
        // invariant) inside the request, which outlives `self`.
        unsafe { core::slice::from_raw_parts(bindings::nla_data(self.as_raw()).cast(), self.len()) }
    }

    /// The payload as a `u32` (`nla_get_u32`); `EINVAL` if it is shorter.
    pub fn get_u32(&self) -> Result<u32> {
        let d = self.data().first_chunk::<4>().ok_or(EINVAL)?;
        Ok(u32::from_ne_bytes(*d))
    }

    /// The payload as a `u16` (`nla_get_u16`); `EINVAL` if it is shorter.
    pub fn get_u16(&self) -> Result<u16> {
        let d = self.data().first_chunk::<2>().ok_or(EINVAL)?;
        Ok(u16::from_ne_bytes(*d))
    }

    /// The payload as a `u8` (`nla_get_u8`); `EINVAL` if it is empty.
    pub fn get_u8(&self) -> Result<u8> {
        self.data().first().copied().ok_or(EINVAL)
    }
}

/// A parsed attribute table (`struct nlattr *tb[]`), indexed by type.
///
/// # Invariants
///
/// `tb` is NULL or points to `len` entries, each NULL or a valid attribute,
/// valid for `'a`.
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
    pub(crate) unsafe fn from_raw(tb: *const *mut bindings::nlattr, len: usize) -> Self {
        // INVARIANT: Per the caller.
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
        // INVARIANT: A valid attribute of the table (type invariant of `Attrs`).
        (!p.is_null()).then(|| unsafe { &*p.cast::<Attr>() })
    }
}

/// A link attribute table (`IFLA_*`), never NULL and always `IFLA_MAX + 1`
/// entries long.
#[derive(Clone, Copy)]
pub struct LinkAttrs<'a>(Attrs<'a>);

impl<'a> LinkAttrs<'a> {
    /// # Safety
    ///
    /// `tb` must point to `IFLA_MAX + 1` entries, each NULL or a valid
    /// attribute, valid for `'a`.
    pub(crate) unsafe fn from_raw(tb: *const *mut bindings::nlattr) -> Self {
        // SAFETY: Per the caller.
        Self(unsafe { Attrs::from_raw(tb, bindings::IFLA_MAX as usize + 1) })
    }

    pub(crate) fn as_raw(&self) -> *mut *mut bindings::nlattr {
        self.0.tb.cast_mut()
    }

    /// Checks `IFLA_ADDRESS`, if present, as link types with Ethernet
    /// addresses do in `validate`: `EINVAL` unless it has `ETH_ALEN` bytes,
    /// `EADDRNOTAVAIL` unless it is a valid unicast address.
    pub fn check_eth_address(&self) -> Result {
        let Some(a) = self.get(ifla::ADDRESS) else {
            return Ok(());
        };
        if a.len() != bindings::ETH_ALEN as usize {
            return Err(EINVAL);
        }
        if !crate::net::dev::is_valid_ether_addr(a.data()) {
            return Err(EADDRNOTAVAIL);
        }
        Ok(())
    }
}

impl<'a> core::ops::Deref for LinkAttrs<'a> {
    type Target = Attrs<'a>;

    fn deref(&self) -> &Attrs<'a> {
        &self.0
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

/// The link attributes of a peer: an `ifinfomsg` and the `IFLA_*`
/// attributes after it, nested in one attribute of the request
/// (`rtnl_nla_parse_ifinfomsg`).
pub struct PeerAttrs<'a> {
    tb: [*mut bindings::nlattr; bindings::IFLA_MAX as usize + 1],
    ifi_index: i32,
    _p: PhantomData<&'a Attr>,
}

impl<'a> PeerAttrs<'a> {
    /// Parses the peer info nested in `attr`; `EINVAL` if it is shorter than
    /// an `ifinfomsg`.
    #[inline]
    pub fn parse(attr: &'a Attr, extack: &mut ExtAck) -> Result<Self> {
        let hdr = attr
            .data()
            .get(..size_of::<bindings::ifinfomsg>())
            .ok_or(EINVAL)?;
        // SAFETY: `hdr` has `sizeof(ifinfomsg)` bytes, maybe unaligned;
        // any bytes are a valid `ifinfomsg`.
        let ifm: bindings::ifinfomsg = unsafe { ptr::read_unaligned(hdr.as_ptr().cast()) };
        let mut this = Self {
            tb: [ptr::null_mut(); bindings::IFLA_MAX as usize + 1],
            ifi_index: ifm.ifi_index,
            _p: PhantomData,
        };
        // SAFETY: `tb` has `IFLA_MAX + 1` entries; `attr` holds at least an
        // `ifinfomsg`, which the function skips; `extack` is NULL or valid.
        to_result(unsafe {
            bindings::rtnl_nla_parse_ifinfomsg(this.tb.as_mut_ptr(), attr.as_raw(), extack.as_raw())
        })?;
        Ok(this)
    }

    /// The parsed attributes.
    pub fn attrs(&self) -> LinkAttrs<'_> {
        // SAFETY: The table has `IFLA_MAX + 1` entries, NULL or pointing into
        // the request, which outlives `'a` and so `self`.
        unsafe { LinkAttrs::from_raw(self.tb.as_ptr()) }
    }

    /// `ifi_index` of the peer's `ifinfomsg`.
    pub fn ifi_index(&self) -> i32 {
        self.ifi_index
    }
}

/// Attribute types a policy entry may check (`NLA_*`).
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum NlaType {
    /// `NLA_U8`.
    U8 = bindings::NLA_U8 as u8,
    /// `NLA_U16`.
    U16 = bindings::NLA_U16 as u8,
    /// `NLA_U32`.
    U32 = bindings::NLA_U32 as u8,
    /// `NLA_U64`.
    U64 = bindings::NLA_U64 as u8,
}

/// One policy entry; only the constructors below make one.
#[derive(Clone, Copy)]
pub struct PolicyEntry(bindings::nla_policy);

impl PolicyEntry {
    const fn zeroed() -> bindings::nla_policy {
        pin_init::zeroed()
    }

    /// No policy (`NLA_UNSPEC`, any length).
    pub const UNSPEC: Self = Self(Self::zeroed());

    /// `{ .type = ty }`.
    pub const fn of_type(ty: NlaType) -> Self {
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

    /// `{ .len = sizeof(struct ifinfomsg) }`: a peer's `ifinfomsg` and link
    /// attributes, for [`LinkOps::PEER_TYPE`](super::LinkOps::PEER_TYPE).
    pub const fn peer_info() -> Self {
        Self::min_len(size_of::<bindings::ifinfomsg>() as u16)
    }

    /// `NLA_POLICY_MAX(ty, max)`.
    pub const fn max(ty: NlaType, max: i16) -> Self {
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

/// A netlink attribute policy table (`struct nla_policy[N]`), in a
/// `static`; entry `i` is the policy of attribute type `i`.
///
/// # Examples
///
/// ```
/// use kernel::net::rtnl::{NlaType, Policy, PolicyEntry};
///
/// static POLICY: Policy<4> = Policy::new([
///     PolicyEntry::UNSPEC,
///     PolicyEntry::of_type(NlaType::U32),
///     PolicyEntry::max(NlaType::U32, 1),
///     PolicyEntry::reject(c"read-only"),
/// ]);
///
/// let t = POLICY.table();
/// assert_eq!(t.len(), 4);
/// assert_eq!(t.max_type(), 3);
/// ```
#[repr(transparent)]
pub struct Policy<const N: usize>([bindings::nla_policy; N]);

// SAFETY: The table is read-only after construction; its only pointers are
// to static strings.
unsafe impl<const N: usize> Sync for Policy<N> {}

impl<const N: usize> Policy<N> {
    /// Builds a table; it must have at least one entry (type 0).
    pub const fn new(entries: [PolicyEntry; N]) -> Self {
        const {
            assert!(
                N > 0 && N <= u16::MAX as usize,
                "a policy has 1..=65535 entries"
            )
        };
        let mut t = [PolicyEntry::zeroed(); N];
        let mut i = 0;
        while i < N {
            t[i] = entries[i].0;
            i += 1;
        }
        Self(t)
    }

    /// The table, for [`LinkOps::POLICY`](super::LinkOps::POLICY).
    pub const fn table(&'static self) -> &'static PolicyTable {
        let s: &'static [bindings::nla_policy] = &self.0;
        // SAFETY: `PolicyTable` is a transparent wrapper of the slice.
        // INVARIANT: Entries from `PolicyEntry` constructors; `N > 0` (`new`).
        unsafe { &*(ptr::from_ref(s) as *const PolicyTable) }
    }
}

/// A policy table of any length, made only from a [`Policy`].
///
/// # Invariants
///
/// Every entry was built by a [`PolicyEntry`] constructor; there is at
/// least one entry.
#[repr(transparent)]
pub struct PolicyTable([bindings::nla_policy]);

// SAFETY: As for `Policy`.
unsafe impl Sync for PolicyTable {}

/// The policy of a link type without `IFLA_INFO_DATA` attributes.
static NO_ATTRS: Policy<1> = Policy::new([PolicyEntry::UNSPEC]);

impl PolicyTable {
    /// A table without attributes (`maxtype` 0: the core ignores
    /// `IFLA_INFO_DATA`).
    pub const NONE: &'static PolicyTable = NO_ATTRS.table();

    /// Number of entries.
    pub const fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries (never, see the invariants).
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The highest attribute type (`maxtype`).
    pub const fn max_type(&self) -> u32 {
        (self.0.len() - 1) as u32
    }

    /// Whether attribute `ty` is checked to hold at least an `ifinfomsg`
    /// ([`PolicyEntry::peer_info`]), as the core's parsing of a peer's
    /// info (`peer_type`) needs.
    pub(crate) const fn holds_ifinfomsg(&self, ty: u16) -> bool {
        let ty = ty as usize;
        if ty == 0 || ty >= self.0.len() {
            return false;
        }
        let e = &self.0[ty];
        e.type_ == bindings::NLA_UNSPEC as u8 && e.len as usize >= size_of::<bindings::ifinfomsg>()
    }

    pub(crate) const fn as_ptr(&self) -> *const bindings::nla_policy {
        self.0.as_ptr()
    }
}

/// A netlink message being filled (`fill_info`).
#[repr(transparent)]
pub struct Msg(Opaque<bindings::sk_buff>);

impl Msg {
    fn put(&mut self, ty: u32, data: &[u8]) -> Result {
        let ty = u16::try_from(ty).map_err(|_| EINVAL)?;
        // SAFETY: `self` is the message being built, exclusively ours for the
        // call; `data` is valid for its length, which fits a `u16` attribute.
        let r = unsafe {
            bindings::nla_put(
                self.0.get(),
                c_int::from(ty),
                data.len() as c_int,
                data.as_ptr().cast(),
            )
        };
        if r != 0 {
            return Err(EMSGSIZE);
        }
        Ok(())
    }

    /// `nla_put_u8`; `EMSGSIZE` if full, `EINVAL` if `ty` is not a `u16`.
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
    let hdr = size_of::<bindings::nlattr>();
    (hdr + payload + 3) & !3
}

/// An interface name (`IFNAMSIZ` bytes, NUL-terminated).
pub struct IfName([u8; bindings::IFNAMSIZ as usize]);

impl IfName {
    /// A name from a string such as `c"nk%d"`, truncated to `IFNAMSIZ - 1`.
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
        // SAFETY: `n` has `IFNAMSIZ` bytes; `attr` is valid and the function
        // reads at most its payload.
        unsafe { bindings::nla_strscpy(n.as_mut_ptr().cast(), attr.as_raw(), n.len()) };
        Self(n)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; bindings::IFNAMSIZ as usize] {
        &self.0
    }
}
