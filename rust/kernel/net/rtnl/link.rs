// SPDX-License-Identifier: GPL-2.0

//! Link types (`rtnl_link_ops`): creating, pairing and deleting devices.
//!
//! The core's contracts are in the types: `newlink` returns a
//! [`Registered`] that only [`NewDevice::register`] makes (the core frees the
//! device when `newlink` fails, so it must not be registered then); a peer
//! that `newlink` registered is unregistered by the adapter if `newlink`
//! fails after all; peers are paired once, by [`Registered::pair`], and
//! unpaired by the adapter's `dellink` before either is unregistered.

use super::{Attrs, ExtAck, IfName, LinkAttrs, Msg, Net, PolicyTable, Rtnl};
use crate::{
    bindings,
    error::{from_result, to_result, Result, VTABLE_DEFAULT_ERROR},
    ffi::{c_char, c_int, c_uint},
    net::dev::{self, Driver, DriverDevice},
    prelude::*,
    sync::atomic::{Acquire, AtomicFlag, Release},
    types::Opaque,
};
use core::{cell::Cell, marker::PhantomData, ptr};

/// How an interface name was chosen (`NET_NAME_*`).
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum NameAssign {
    /// Enumerated by the kernel (`NET_NAME_ENUM`).
    Enum = bindings::NET_NAME_ENUM as u8,
    /// Given by user space (`NET_NAME_USER`).
    User = bindings::NET_NAME_USER as u8,
}

/// What the adapter must undo if `newlink` fails.
struct NewLinkState {
    /// The device the core passed.
    dev: *mut bindings::net_device,
    /// The device the core passed has been registered.
    registered: Cell<bool>,
    /// A peer has been created (one per `newlink`).
    peer_created: Cell<bool>,
    /// The peer `newlink` created and registered.
    peer: Cell<*mut bindings::net_device>,
}

/// The parameters of `newlink` (`struct rtnl_newlink_params`).
pub struct NewLinkParams<'a, T: LinkOps> {
    raw: &'a bindings::rtnl_newlink_params,
    state: &'a NewLinkState,
    _p: PhantomData<T>,
}

impl<'a, T: LinkOps> NewLinkParams<'a, T> {
    /// The link attributes (`tb`).
    pub fn tb(&self) -> LinkAttrs<'a> {
        // SAFETY: `tb` has `IFLA_MAX + 1` entries for the call.
        unsafe { LinkAttrs::from_raw(self.raw.tb) }
    }

    /// The kind-specific attributes (`data`), parsed with `T::POLICY`.
    pub fn data(&self) -> Attrs<'a> {
        // SAFETY: `data` is NULL or has `maxtype + 1` entries (`T::POLICY`'s
        // length) for the call.
        unsafe { Attrs::from_raw(self.raw.data, T::POLICY.len()) }
    }

    /// The namespace the peer goes to (`rtnl_newlink_peer_net`).
    pub fn peer_net(&self) -> &'a Net {
        // SAFETY: `params` is valid for the call and holds a reference on
        // the namespace it returns.
        unsafe {
            Net::from_raw(bindings::rtnl_newlink_peer_net(
                ptr::from_ref(self.raw).cast_mut(),
            ))
        }
    }

    /// Allocates a peer device of `T` in [`NewLinkParams::peer_net`]
    /// (`rtnl_create_link`), set up from `tb`. One peer per `newlink`:
    /// `EBUSY` for a second.
    pub fn create_peer(
        &self,
        _rtnl: &'a Rtnl,
        name: &IfName,
        assign: NameAssign,
        tb: LinkAttrs<'_>,
        extack: &mut ExtAck,
    ) -> Result<NewDevice<'a, T, Peer>> {
        if self.state.peer_created.replace(true) {
            return Err(EBUSY);
        }
        // SAFETY: RTNL is held (`_rtnl`); the namespace is the one the core
        // checked the caller's rights in; `tb` has `IFLA_MAX + 1` entries;
        // the ops table is the one the core created the primary device
        // with, registered; `name` is NUL-terminated.
        let dev = unsafe {
            bindings::rtnl_create_link(
                self.peer_net().as_raw(),
                name.as_bytes().as_ptr().cast(),
                assign as u8,
                (*self.state.dev).rtnl_link_ops,
                tb.as_raw(),
                extack.as_raw(),
            )
        };
        let dev = crate::error::from_err_ptr(dev)?;
        Ok(NewDevice {
            dev,
            state: self.state,
            owned: true,
            _p: PhantomData,
        })
    }
}

/// Marks the device the core passes to `newlink`.
pub enum Primary {}
/// Marks a peer `newlink` creates.
pub enum Peer {}

/// A device allocated for `T` that is not registered yet: only its creator
/// can reach it.
///
/// # Invariants
///
/// `dev` is a valid, unregistered device set up by `T`, reachable only
/// through `self`. A `Primary` one belongs to the core (which frees it if
/// `newlink` fails), a `Peer` one to `self` until registered.
pub struct NewDevice<'a, T: LinkOps, K = Primary> {
    dev: *mut bindings::net_device,
    state: &'a NewLinkState,
    /// Whether dropping `self` frees the device (an unregistered peer).
    owned: bool,
    _p: PhantomData<(&'a T, K)>,
}

impl<'a, T: LinkOps, K> NewDevice<'a, T, K> {
    /// The device.
    pub fn dev(&self) -> &DriverDevice<T> {
        // SAFETY: The device was set up by `T`, valid while `self` lives.
        unsafe { DriverDevice::from_raw(self.dev) }
    }

    /// The driver's private data, mutable until registration.
    pub fn data_mut(&mut self) -> Pin<&mut T::Priv> {
        let data = DriverDevice::<T>::data_ptr(self.dev);
        // SAFETY: The data is initialised; nothing else can reach the
        // unregistered device (type invariant), and `&mut self` excludes
        // `dev()` borrows; the data is pinned in the device allocation.
        unsafe { Pin::new_unchecked(&mut *data) }
    }

    /// Sets the name (may be a `%d` template).
    pub fn set_name(&mut self, name: &IfName) {
        // SAFETY: The device is ours; `name` is NUL-terminated within IFNAMSIZ.
        unsafe { (*self.dev).name = name.as_bytes().map(|b| b as c_char) };
    }

    /// Sets the ifindex to register with (registration checks it).
    pub fn set_ifindex(&mut self, ifindex: i32) {
        // SAFETY: The device is ours.
        unsafe { (*self.dev).ifindex = ifindex };
    }

    /// Copies the TSO limits of `from` (`netif_inherit_tso_max`).
    pub fn inherit_tso_max(&mut self, from: &dev::Device) {
        // SAFETY: The device is ours; `from` is valid and its limits are
        // read once each.
        unsafe { bindings::netif_inherit_tso_max(self.dev, from.as_raw()) }
    }

    /// Sets a random unicast MAC address (`eth_hw_addr_random`).
    pub fn eth_hw_addr_random(&mut self) {
        // SAFETY: The device is ours and not registered: no one else reads
        // or announces its address yet.
        unsafe { bindings::eth_hw_addr_random(self.dev) }
    }

    /// Advertises AF_XDP zero-copy support (`xdp_set_features_flag`); only
    /// for a driver with the `ndo_bpf` and `ndo_xsk_wakeup` AF_XDP calls.
    pub fn set_xdp_features_xsk(&mut self) {
        const {
            assert!(
                T::HAS_BPF && T::HAS_XSK_WAKEUP,
                "AF_XDP zero-copy calls ndo_bpf and ndo_xsk_wakeup"
            )
        };
        // SAFETY: The device is ours and not yet registered.
        unsafe { bindings::xdp_set_features_flag(self.dev, bindings::NETDEV_XDP_ACT_XSK) }
    }

    fn register_raw(&self) -> Result<&'a DriverDevice<T>> {
        // SAFETY: The device is set up and ours; RTNL is held (callers).
        to_result(unsafe { bindings::register_netdevice(self.dev) })?;
        // SAFETY: Registered devices are not freed while RTNL is held, which
        // the `newlink` call holds for `'a`.
        Ok(unsafe { DriverDevice::from_raw(self.dev) })
    }
}

impl<'a, T: LinkOps> NewDevice<'a, T, Primary> {
    /// Registers the device (`register_netdevice`); what `newlink` returns.
    pub fn register(self, _rtnl: &'a Rtnl) -> Result<Registered<'a, T>> {
        let dev = self.register_raw()?;
        self.state.registered.set(true);
        Ok(Registered {
            dev,
            _p: PhantomData,
        })
    }
}

impl<'a, T: LinkOps> NewDevice<'a, T, Peer> {
    /// Registers the peer (`register_netdevice`); the adapter unregisters it
    /// again if `newlink` fails.
    pub fn register(mut self, _rtnl: &'a Rtnl) -> Result<Registered<'a, T, Peer>> {
        let dev = self.register_raw()?;
        self.state.peer.set(self.dev);
        // Registered: unregistration frees it now.
        self.owned = false;
        Ok(Registered {
            dev,
            _p: PhantomData,
        })
    }
}

impl<T: LinkOps, K> Drop for NewDevice<'_, T, K> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: We allocated the peer and never registered it.
            unsafe { bindings::free_netdev(self.dev) };
        }
    }
}

/// A device `newlink` registered, for the rest of the call.
pub struct Registered<'a, T: LinkOps, K = Primary> {
    dev: &'a DriverDevice<T>,
    _p: PhantomData<K>,
}

impl<'a, T: LinkOps, K> core::ops::Deref for Registered<'a, T, K> {
    type Target = DriverDevice<T>;

    fn deref(&self) -> &DriverDevice<T> {
        self.dev
    }
}

impl<'a, T: LinkOps, K> Registered<'a, T, K> {
    /// Changes `dev->flags` as `SIOCSIFFLAGS` would (`dev_change_flags`).
    ///
    /// Only here, in `newlink`: a device's own `ndo_open`/`ndo_stop` calling
    /// it would recurse into itself. `EINVAL` if a notifier unregistered the
    /// device meanwhile.
    pub fn change_flags(&self, rtnl: &'a Rtnl, flags: dev::Flags) -> Result {
        if !self.dev.is_live(rtnl) {
            return Err(EINVAL);
        }
        // SAFETY: The device is registered, under RTNL, which the function
        // needs; a NULL extack is allowed.
        to_result(unsafe {
            bindings::dev_change_flags(self.dev.as_raw(), flags.bits(), ptr::null_mut())
        })
    }
}

impl<'a, T: LinkOps> Registered<'a, T> {
    /// Publishes the two devices as each other's peer; the adapter's
    /// `dellink` unpublishes both before either is unregistered. Devices
    /// that are no longer registered, or already paired, are left as they
    /// are (a driver bug: warns once).
    ///
    /// `newlink` holds a shared [`Rtnl`], so it cannot queue either device
    /// for unregistration ([`unregister_many`] needs `&mut Rtnl`); a device
    /// a notifier unregistered meanwhile is no longer registered.
    pub fn pair(&self, rtnl: &'a Rtnl, peer: Registered<'a, T, Peer>) {
        let (a, b) = (self.dev, peer.dev);
        if crate::warn_on!(
            !a.is_live(rtnl)
                || !b.is_live(rtnl)
                || a.peer_rtnl(rtnl).is_some()
                || b.peer_rtnl(rtnl).is_some()
        ) {
            return;
        }
        // SAFETY: Both devices are registered and unpaired; every way to
        // unregister a device of `T` goes through `dellink` (the core's
        // dellink, netns and module teardown, `rtnl::dellink`), which takes
        // both pointers first.
        unsafe {
            b.set_peer(rtnl, a);
            a.set_peer(rtnl, b);
        }
    }
}

impl<'a, T: LinkOps> Registered<'a, T, Peer> {
    /// Announces the peer (`rtnl_configure_link`), as the core does for the
    /// device it passed; `EINVAL` if a notifier unregistered it meanwhile.
    pub fn configure(&self, rtnl: &'a Rtnl) -> Result {
        if !self.dev.is_live(rtnl) {
            return Err(EINVAL);
        }
        // SAFETY: The device was registered by this `newlink` and still is,
        // under RTNL; NULL message arguments are allowed.
        to_result(unsafe {
            bindings::rtnl_configure_link(self.dev.as_raw(), ptr::null_mut(), 0, ptr::null_mut())
        })
    }
}

/// A batch of devices to unregister (`LIST_HEAD` + `unregister_netdevice_many`).
///
/// # Invariants
///
/// `self.head` is a valid list head for `'a`, and RTNL is held for `'a`.
pub struct UnregisterList<'a> {
    head: *mut bindings::list_head,
    rtnl: &'a Rtnl,
}

impl<'a> UnregisterList<'a> {
    /// The RTNL proof the batch holds.
    pub fn rtnl(&self) -> &'a Rtnl {
        self.rtnl
    }

    /// Queues `dev` (`unregister_netdevice_queue`) unless a batch has it.
    fn queue(&mut self, dev: &dev::Device) {
        if dev.unregister_queued(self.rtnl) {
            return;
        }
        // SAFETY: `dev` is valid and in no batch; RTNL is held; the list is
        // valid (type invariant).
        unsafe { bindings::unregister_netdevice_queue(dev.as_raw(), self.head) }
    }
}

/// Runs `f` with a fresh unregister list, then unregisters what it queued
/// (`unregister_netdevice_many`).
///
/// Needs the exclusive RTNL token, which `newlink` does not have: a device
/// `newlink` registers cannot be queued before it is paired.
pub fn unregister_many(rtnl: &mut Rtnl, f: impl FnOnce(&mut UnregisterList<'_>)) {
    let mut head = bindings::list_head {
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
    };
    let hp = &raw mut head;
    // SAFETY: `head` is a valid list head on our stack.
    unsafe { bindings::INIT_LIST_HEAD(hp) };
    // INVARIANT: `head` outlives the list; RTNL is held (`rtnl`).
    f(&mut UnregisterList { head: hp, rtnl });
    // SAFETY: RTNL is held; every entry was queued under it; `head` lives
    // until the call returns, and the function empties it.
    unsafe { bindings::unregister_netdevice_many(hp) };
}

/// Deletes `dev` and its peer as `rtnl_link_ops->dellink` does: unpublishes
/// both peer pointers, then queues both devices (each unless already in a
/// batch). A device a `newlink` has not finished with is left alone.
pub fn dellink<T: LinkOps>(list: &mut UnregisterList<'_>, dev: &DriverDevice<T>) {
    // SAFETY: The device is valid; the flag is written under RTNL, held.
    if unsafe { (*dev.as_raw()).rtnl_link_initializing } {
        return;
    }
    dellink_registered(list, dev)
}

/// [`dellink`] of a device the core deletes.
fn dellink_registered<T: LinkOps>(list: &mut UnregisterList<'_>, dev: &DriverDevice<T>) {
    let rtnl = list.rtnl;
    if !dev.is_registered() {
        return;
    }
    let peer = dev.take_peer(rtnl);
    list.queue(dev);
    if let Some(p) = peer {
        p.take_peer(rtnl);
        list.queue(p);
    }
}

/// A link type: `rtnl_link_ops` of a [`Driver`], registered by
/// [`module_net_driver!`](crate::module_net_driver).
#[vtable]
pub trait LinkOps: Driver + HasLinkOps {
    /// `kind`, as in `ip link add type KIND`.
    const KIND: &'static CStr;

    /// `peer_type`: the attribute carrying the peer's info, if any (0:
    /// none); its [`POLICY`](LinkOps::POLICY) entry must be
    /// [`PolicyEntry::peer_info`](super::PolicyEntry::peer_info).
    const PEER_TYPE: u16 = 0;

    /// The policy of `IFLA_INFO_DATA`; its length sets `maxtype`.
    const POLICY: &'static PolicyTable;

    /// `alloc`: checks the requested queue counts; returns the number of tx
    /// and rx queues that are active at creation, each from 1 to the
    /// requested count.
    fn alloc_queues(_num_tx: u32, _num_rx: u32) -> Result<(u32, u32)> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `validate`.
    fn validate(_tb: LinkAttrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `newlink`: sets up and registers `dev` (and any peer).
    fn newlink<'a>(
        rtnl: &'a Rtnl,
        dev: NewDevice<'a, Self>,
        params: &NewLinkParams<'a, Self>,
        extack: &mut ExtAck,
    ) -> Result<Registered<'a, Self>>;

    /// `changelink`.
    fn changelink(
        _rtnl: &Rtnl,
        _dev: &DriverDevice<Self>,
        _tb: LinkAttrs<'_>,
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
    fn get_link_net<'a>(_rtnl: &'a Rtnl, _dev: &'a DriverDevice<Self>) -> &'a Net {
        build_error!(VTABLE_DEFAULT_ERROR)
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
    registered: AtomicFlag,
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
        const {
            assert!(
                T::PEER_TYPE == 0 || T::POLICY.holds_ifinfomsg(T::PEER_TYPE),
                "PEER_TYPE is not a PolicyEntry::peer_info() entry of POLICY"
            )
        };
        // SAFETY: All-zero is a valid, empty `rtnl_link_ops`.
        let mut o: bindings::rtnl_link_ops =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        o.kind = crate::str::as_char_ptr_in_const_context(T::KIND);
        o.priv_size = dev::priv_size::<T>();
        o.alloc = if T::HAS_ALLOC_QUEUES {
            Some(LinkAdapter::<T>::alloc)
        } else {
            None
        };
        o.setup = Some(LinkAdapter::<T>::setup);
        o.peer_type = T::PEER_TYPE;
        o.maxtype = T::POLICY.max_type();
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
            registered: AtomicFlag::new(false),
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
        if !(1..=num_tx).contains(&real_tx) || !(1..=num_rx).contains(&real_rx) {
            crate::warn_on!(true);
            return EINVAL.to_ptr();
        }
        // SAFETY: `ifname` is a valid name; `setup` matches `priv_size`; the
        // core checked the queue counts.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                // Fits: checked by `priv_size`.
                dev::priv_size::<T>() as c_int,
                ifname,
                name_assign_type,
                Some(LinkAdapter::<T>::setup),
                num_tx,
                num_rx,
            )
        };
        if !dev.is_null() {
            // SAFETY: A fresh, unregistered device only we can see; the
            // counts are within the allocated queues (checked above).
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
        // `priv_size` (`size_of::<PrivArea<T>>()`) bytes.
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
                LinkAttrs::from_raw(tb),
                Attrs::from_raw(data, T::POLICY.len()),
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
        let state = NewLinkState {
            dev,
            registered: Cell::new(false),
            peer_created: Cell::new(false),
            peer: Cell::new(ptr::null_mut()),
        };
        // SAFETY: `newlink` runs under RTNL with an unregistered device of
        // `T` that the core frees on failure, valid params and extack.
        let (rtnl, params, extack) = unsafe {
            (
                Rtnl::assume_held(),
                NewLinkParams::<T> {
                    raw: &*params,
                    state: &state,
                    _p: PhantomData,
                },
                &mut ExtAck::from_raw(extack),
            )
        };
        let ndev = NewDevice {
            dev,
            state: &state,
            owned: false,
            _p: PhantomData,
        };
        let Err(e) = T::newlink(rtnl, ndev, &params, extack) else {
            return 0;
        };
        if state.registered.get() {
            // The core would free a registered device: keep it (and any
            // peer) instead. A driver bug, not the user's.
            crate::warn_on!(true);
            return 0;
        }
        let peer = state.peer.get();
        if !peer.is_null() {
            // SAFETY: `newlink` registered the peer under this RTNL section,
            // so it is valid.
            let p = unsafe { dev::Device::from_raw(peer) };
            if p.is_registered() && !p.unregister_queued(rtnl) {
                // SAFETY: Registered, in no batch, RTNL held; it has no peer
                // (pairing needs the registered primary).
                unsafe { bindings::unregister_netdevice(peer) };
            }
        }
        e.to_errno()
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn dellink(dev: *mut bindings::net_device, head: *mut bindings::list_head) {
        // SAFETY: `dellink` runs under RTNL on a registered device of `T`
        // with a valid list head.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), DriverDevice::<T>::from_raw(dev)) };
        // INVARIANT: The core's list head is valid for the call, under RTNL.
        dellink_registered::<T>(&mut UnregisterList { head, rtnl }, dev);
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
                LinkAttrs::from_raw(tb),
                Attrs::from_raw(data, T::POLICY.len()),
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
        // being built, which is ours for the call.
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
        T::get_link_net(rtnl, dev).as_raw()
    }
}

/// The `rtnl_link_ops` table of a link type, a `static` that
/// [`module_net_driver!`](crate::module_net_driver) defines.
#[doc(hidden)]
pub trait HasLinkOps {
    /// The table.
    fn link_ops() -> &'static LinkOpsTable<Self>
    where
        Self: LinkOps;
}

/// Keeps a link type registered (`rtnl_link_register`) until dropped.
///
/// Drivers do not hold one: [`module_net_driver!`](crate::module_net_driver)
/// keeps it in the module, which drops it before the module's code and
/// statics go.
///
/// # Invariants
///
/// `self.0` is registered with the core and its `registered` flag is set.
pub struct Registration<T: LinkOps>(&'static LinkOpsTable<T>);

impl<T: LinkOps> Registration<T> {
    /// Registers `T::link_ops()`; `EEXIST` if it or its kind already is.
    ///
    /// # Safety
    ///
    /// The caller may sleep, and drops the result before the module that
    /// holds `T`'s code and table is unloaded (leaking it would leave the
    /// core's list pointing into freed memory).
    pub unsafe fn register() -> Result<Self> {
        let table = T::link_ops();
        if table.registered.xchg(true, Acquire) {
            return Err(EEXIST);
        }
        // SAFETY: The table is a static with a valid setup and dellink, and
        // the flag above keeps it from being registered twice; the caller
        // may sleep.
        let ret = to_result(unsafe { bindings::rtnl_link_register(table.as_raw()) });
        if let Err(e) = ret {
            table.registered.store(false, Release);
            return Err(e);
        }
        // INVARIANT: Registered, flag set.
        Ok(Self(table))
    }
}

impl<T: LinkOps> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the table is registered.
        unsafe { bindings::rtnl_link_unregister(self.0.as_raw()) };
        self.0.registered.store(false, Release);
    }
}
