// SPDX-License-Identifier: GPL-2.0

//! Network devices.
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/etherdevice.h`](srctree/include/linux/etherdevice.h).
//!
//! # Examples
//!
//! A link type whose devices drop what they are given (`ip link add type
//! rustdoc_sink` while registered):
//!
//! ```
//! use kernel::net::{
//!     dev::{Driver, DriverDevice, SetupDevice, TxStatus},
//!     rtnl::{self, ExtAck, HasLinkOps, LinkOps, LinkOpsTable, NewDevice, NewLinkParams},
//!     rtnl::{Registered, Rtnl},
//!     skbuff::{DropReason, SkBuff, TxContext},
//! };
//!
//! struct Sink;
//!
//! // What `kernel::module_net_driver!` does for a driver module.
//! kernel::net_device_ops!(Sink);
//! static LINK_OPS: LinkOpsTable<Sink> = LinkOpsTable::new();
//! impl HasLinkOps for Sink {
//!     fn link_ops() -> &'static LinkOpsTable<Self> {
//!         &LINK_OPS
//!     }
//! }
//! static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);
//!
//! #[vtable]
//! impl Driver for Sink {
//!     type Priv = ();
//!
//!     fn priv_init() -> impl PinInit<()> {}
//!
//!     fn setup(dev: &mut SetupDevice<Self>) {
//!         dev.ether_setup();
//!     }
//!
//!     fn start_xmit<'a>(
//!         skb: SkBuff<'a>,
//!         dev: &'a DriverDevice<Self>,
//!         ctx: &'a TxContext,
//!     ) -> TxStatus {
//!         dev.core_stats_tx_dropped_inc();
//!         skb.drop_reason(ctx, DropReason::NotSpecified);
//!         TxStatus::Drop
//!     }
//! }
//!
//! #[vtable]
//! impl LinkOps for Sink {
//!     const KIND: &'static CStr = c"rustdoc_sink";
//!     const POLICY: &'static rtnl::PolicyTable = POLICY.table();
//!
//!     fn newlink<'a>(
//!         rtnl: &'a Rtnl,
//!         dev: NewDevice<'a, Self>,
//!         _params: &NewLinkParams<'a, Self>,
//!         _extack: &mut ExtAck,
//!     ) -> Result<Registered<'a, Self>> {
//!         dev.register(rtnl)
//!     }
//! }
//!
//! // SAFETY: A test may sleep; the registration is dropped below.
//! let registration = unsafe { rtnl::Registration::<Sink>::register() }?;
//! // A kind can be registered once.
//! // SAFETY: As above.
//! assert_eq!(unsafe { rtnl::Registration::<Sink>::register() }.err(), Some(EEXIST));
//! drop(registration);
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    error::{from_result, to_result, Result, VTABLE_DEFAULT_ERROR},
    ffi::{c_int, c_void},
    impl_flags,
    net::{
        ethtool::DrvInfo,
        queue::{Lease, RxQueue, XskLease, XskWakeup},
        rtnl::{ExtAck, Net, Rtnl},
        skbuff::{SkBuff, TxContext},
    },
    prelude::*,
    sync::{
        atomic::{atomic_load, atomic_store, Atomic, Relaxed, Release},
        rcu, LockClassKey,
    },
    types::{NotThreadSafe, Opaque},
};
use core::{marker::PhantomData, ptr};

mod private {
    pub trait Sealed {}
}
pub(crate) use private::Sealed;

/// Proof of an RCU read-side critical section.
///
/// Sealed: only this crate's context tokens implement it, and each is only
/// lent out for a scope (a callback, [`RcuHeld::read_lock`]) that cannot be
/// leaked, unlike an owned [`rcu::Guard`].
pub trait RcuRead: Sealed {}

/// An RCU read-side critical section the current context is in: one the
/// core entered before calling a driver (e.g. `ndo_get_peer_dev`), or one
/// [`RcuHeld::read_lock`] holds for its closure.
pub struct RcuHeld(NotThreadSafe);

impl Sealed for RcuHeld {}
impl RcuRead for RcuHeld {}

impl RcuHeld {
    /// # Safety
    ///
    /// The caller must be in an RCU read-side critical section for `'a`.
    unsafe fn assume<'a>() -> &'a RcuHeld {
        static TOKEN: RcuHeldToken = RcuHeldToken(RcuHeld(NotThreadSafe));
        &TOKEN.0
    }

    /// Runs `f` in an RCU read-side critical section (`rcu_read_lock`);
    /// nothing borrowed from the token outlives `f`.
    #[inline]
    pub fn read_lock<R>(f: impl for<'a> FnOnce(&'a RcuHeld) -> R) -> R {
        let _guard = rcu::read_lock();
        // SAFETY: `_guard` holds the read lock until after `f` returns, and
        // `f` cannot keep the token.
        f(unsafe { RcuHeld::assume() })
    }
}

struct RcuHeldToken(RcuHeld);
// SAFETY: The token carries no data; only `RcuHeld::assume`'s contract gives
// a reference meaning.
unsafe impl Sync for RcuHeldToken {}

impl_flags!(
    /// Bits of `net_device::flags` (`IFF_*`).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct Flags(u32);

    /// One `IFF_*` flag.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Flag {
        /// Interface is administratively up.
        Up = bindings::net_device_flags_IFF_UP,
        /// No ARP protocol.
        NoArp = bindings::net_device_flags_IFF_NOARP,
    }
);

impl Flags {
    /// `self` with `flag` cleared; other bits, named here or not, stay.
    pub fn without(self, flag: Flag) -> Self {
        Self(self.0 & !(flag as u32))
    }

    pub(crate) fn bits(self) -> u32 {
        self.0
    }
}

impl_flags!(
    /// `NETIF_F_*` feature bits (`netdev_features_t`).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct Features(u64);

    /// One feature, or one of the core's feature groups.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Feature {
        /// Scatter/gather.
        Sg = 1 << bindings::NETIF_F_SG_BIT,
        /// Fraglists.
        Fraglist = 1 << bindings::NETIF_F_FRAGLIST_BIT,
        /// Checksum offload of all protocols.
        HwCsum = 1 << bindings::NETIF_F_HW_CSUM_BIT,
        /// Receive checksum offload.
        RxCsum = 1 << bindings::NETIF_F_RXCSUM_BIT,
        /// SCTP CRC offload.
        SctpCrc = 1 << bindings::NETIF_F_SCTP_CRC_BIT,
        /// DMA to high memory.
        HighDma = 1 << bindings::NETIF_F_HIGHDMA_BIT,
        /// VLAN CTAG tx offload.
        HwVlanCtagTx = 1 << bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT,
        /// VLAN CTAG rx offload.
        HwVlanCtagRx = 1 << bindings::NETIF_F_HW_VLAN_CTAG_RX_BIT,
        /// VLAN STAG tx offload.
        HwVlanStagTx = 1 << bindings::NETIF_F_HW_VLAN_STAG_TX_BIT,
        /// VLAN STAG rx offload.
        HwVlanStagRx = 1 << bindings::NETIF_F_HW_VLAN_STAG_RX_BIT,
        /// All software GSO types (`NETIF_F_GSO_SOFTWARE`).
        GsoSoftware = bindings::NETIF_F_GSO_SOFTWARE,
        /// All encapsulation GSO types (`NETIF_F_GSO_ENCAP_ALL`).
        GsoEncapAll = bindings::NETIF_F_GSO_ENCAP_ALL,
    }
);

impl Features {
    /// `self` with the bits of `f` cleared; other bits, named here or not,
    /// stay.
    pub fn without(self, f: Features) -> Self {
        Self(self.0 & !f.0)
    }
}

impl_flags!(
    /// The `priv_flags` bits a driver may set on its devices.
    ///
    /// Bits by which other subsystems recognise a device type and read its
    /// private data as theirs (`IFF_EBRIDGE`, `IFF_BONDING`, ...) are not
    /// here, nor `IFF_TX_SKB_SHARING` ([`SkBuff`] owns its skb).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct PrivFlags(usize);

    /// One settable `priv_flags` bit.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum PrivFlag {
        /// The MAC address can change while the device is up.
        LiveAddrChange = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE as usize,
        /// `needed_headroom` is a hint set through `ndo_set_rx_headroom`.
        PhonyHeadroom = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM as usize,
        /// The device needs no qdisc.
        NoQueue = bindings::netdev_priv_flags_IFF_NO_QUEUE as usize,
        /// No netpoll.
        DisableNetpoll = bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL as usize,
    }
);

/// A network device (`struct net_device`) of any driver.
///
/// # Invariants
///
/// The wrapped `net_device` is valid (allocated and not yet freed) for the
/// lifetime of any reference to a [`Device`].
#[repr(transparent)]
pub struct Device(Opaque<bindings::net_device>);

// SAFETY: `net_device` is used from any thread. Through a shared reference
// this wrapper only calls functions that take the locks they need, reads
// fields once (`READ_ONCE`), or writes the lockless hints the core itself
// reads once (`needed_headroom`/`needed_tailroom`, as C drivers do).
unsafe impl Send for Device {}
// SAFETY: As above.
unsafe impl Sync for Device {}

impl Device {
    /// Creates a reference to a [`Device`] from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper; validity is the caller's promise.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw `net_device` pointer.
    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// Returns the interface index (`READ_ONCE(dev->ifindex)`).
    #[inline]
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid (type invariant) and the field aligned;
        // registration sets it with one store, as `READ_ONCE` readers in C
        // assume.
        unsafe { atomic_load(&raw mut (*self.as_raw()).ifindex, Relaxed) }
    }

    /// Returns `dev->flags` (`READ_ONCE`).
    #[inline]
    pub fn flags(&self) -> Flags {
        // SAFETY: As for `ifindex`; `flags` is written with one store under
        // RTNL.
        Flags(unsafe { atomic_load(&raw mut (*self.as_raw()).flags, Relaxed) })
    }

    /// Whether the device is administratively up (`IFF_UP`).
    #[inline]
    pub fn is_up(&self) -> bool {
        self.flags().contains(Flag::Up)
    }

    /// Whether both devices are in the same network namespace.
    #[inline]
    pub fn same_net(&self, other: &Device) -> bool {
        // SAFETY: Both devices are valid; only the pointers are compared.
        unsafe {
            ptr::eq(
                bindings::dev_net(self.as_raw()),
                bindings::dev_net(other.as_raw()),
            )
        }
    }

    /// Returns the device's network namespace, under RTNL, which keeps the
    /// device from moving to another one and the namespace from going away.
    #[inline]
    pub fn net<'a>(&self, _rtnl: &'a Rtnl) -> &'a Net {
        // SAFETY: The device is valid; while RTNL is held it stays in
        // `dev_net`, and a namespace with devices in it is not freed.
        unsafe { Net::from_raw(bindings::dev_net(self.as_raw())) }
    }

    /// Whether the device has a parent device (a physical device has one).
    pub fn has_parent(&self) -> bool {
        // SAFETY: The device is valid; `dev.parent` is set before registration.
        unsafe { !(*self.as_raw()).dev.parent.is_null() }
    }

    /// `dev->reg_state` (`READ_ONCE`).
    fn reg_state(&self) -> u32 {
        // SAFETY: The device is valid; the byte `reg_state` is written with
        // one store under RTNL, and `i8` has its size and alignment.
        let state = unsafe { atomic_load((&raw mut (*self.as_raw()).reg_state).cast::<i8>(), Relaxed) };
        u32::from(state as u8)
    }

    /// Whether the device is being unregistered (`NETREG_UNREGISTERING`).
    pub fn is_unregistering(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_UNREGISTERING
    }

    /// Whether the device is registered (`NETREG_REGISTERED`).
    pub(crate) fn is_registered(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_REGISTERED
    }

    /// Whether the device is queued for unregistration in a batch.
    pub(crate) fn unregister_queued(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid and RTNL, which the function asserts,
        // is held (`_rtnl`).
        unsafe { bindings::unregister_netdevice_queued(self.as_raw()) }
    }

    /// Whether the device is registered and in no unregistration batch:
    /// under RTNL, it stays registered until RTNL is released.
    pub(crate) fn is_live(&self, rtnl: &Rtnl) -> bool {
        self.is_registered() && !self.unregister_queued(rtnl)
    }

    /// Returns `dev->needed_headroom` (`READ_ONCE`).
    #[inline]
    pub fn needed_headroom(&self) -> u16 {
        // SAFETY: The device is valid; the core writes the hint with one
        // store, and `i16` has the size and alignment of the `u16`.
        unsafe { atomic_load((&raw mut (*self.as_raw()).needed_headroom).cast::<i16>(), Relaxed) as u16 }
    }

    /// Returns `dev->needed_tailroom` (`READ_ONCE`).
    #[inline]
    pub fn needed_tailroom(&self) -> u16 {
        // SAFETY: As for `needed_headroom`.
        unsafe { atomic_load((&raw mut (*self.as_raw()).needed_tailroom).cast::<i16>(), Relaxed) as u16 }
    }

    /// Returns the number of active rx queues (`READ_ONCE`).
    #[inline]
    pub fn real_num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; the count is written with one store,
        // under the instance lock.
        unsafe { atomic_load(&raw mut (*self.as_raw()).real_num_rx_queues, Relaxed) }
    }

    /// Returns the number of allocated rx queues.
    #[inline]
    pub fn num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; set at allocation and never changed.
        unsafe { (*self.as_raw()).num_rx_queues }
    }

    /// Returns active rx queue `index`.
    pub(crate) fn rx_queue(&self, index: u32) -> Option<&RxQueue> {
        if index >= self.real_num_rx_queues() {
            return None;
        }
        // SAFETY: `index` is below `real_num_rx_queues <= num_rx_queues`, so
        // the queue is in the array allocated with the device, which it
        // outlives.
        Some(unsafe { RxQueue::from_raw(bindings::__netif_get_rx_queue(self.as_raw(), index)) })
    }

    /// Signals carrier on (`netif_carrier_on`).
    pub fn carrier_on(&self) {
        // SAFETY: The device is valid; the function takes its own locks.
        unsafe { bindings::netif_carrier_on(self.as_raw()) }
    }

    /// Signals carrier off (`netif_carrier_off`).
    pub fn carrier_off(&self) {
        // SAFETY: The device is valid; the function takes its own locks.
        unsafe { bindings::netif_carrier_off(self.as_raw()) }
    }

    /// Sets the MAC address from a `struct sockaddr` (`eth_mac_addr`).
    pub fn eth_mac_addr(&self, _rtnl: &Rtnl, addr: &SockAddr) -> Result {
        // SAFETY: The device is valid, RTNL serialises address changes;
        // `addr` is a valid `struct sockaddr` with `sa_data` in bounds.
        to_result(unsafe { bindings::eth_mac_addr(self.as_raw(), addr.0.get().cast()) })
    }

    /// Counts one dropped transmit in the core stats.
    #[inline(always)]
    pub fn core_stats_tx_dropped_inc(&self) {
        // SAFETY: The device is valid; the counters are per-cpu atomics that
        // the function allocates on first use, in any context.
        unsafe { bindings::dev_core_stats_tx_dropped_inc(self.as_raw()) }
    }

    /// Returns the `tx_dropped` counter (`DEV_STATS_READ`).
    pub fn tx_dropped(&self) -> u64 {
        // SAFETY: The device is valid; the counter is an `atomic_long_t`.
        unsafe { bindings::netdev_stats_read_tx_dropped(self.as_raw()) as u64 }
    }

    /// Takes the device instance lock (`netdev_lock`), which may sleep:
    /// `_rtnl` proves a context that may, and RTNL is taken before the
    /// instance lock.
    pub fn lock(&self, _rtnl: &Rtnl) -> InstanceGuard<'_> {
        // SAFETY: The device is valid; `dev->lock` is initialised at
        // allocation; the context may sleep (`_rtnl`). The guard unlocks.
        unsafe { bindings::netdev_lock(self.as_raw()) };
        InstanceGuard(Locked::new(self))
    }

    /// Takes the instance lock if the device's ops need it
    /// (`netdev_lock_ops`); may sleep, see [`Device::lock`].
    pub fn lock_ops(&self, _rtnl: &Rtnl) -> OpsGuard<'_> {
        // SAFETY: The device is valid. Whether it needs the ops lock is fixed
        // before registration, so the guard's check matches this one.
        unsafe { bindings::netdev_lock_ops(self.as_raw()) };
        // SAFETY: As above.
        let locked = unsafe { bindings::netdev_need_ops_lock(self.as_raw()) };
        OpsGuard {
            locked: Locked::new(self),
            taken: locked,
        }
    }

    /// The device's `ndo_bpf` and `ndo_xsk_wakeup` if it also implements
    /// `ndo_xdp_xmit`, as AF_XDP zero-copy needs.
    pub(crate) fn xsk_ops(&self) -> Option<(XskBpfFn, XskWakeupFn)> {
        // SAFETY: The device is valid; `netdev_ops` is set before
        // registration and points to a static table.
        let ops = unsafe { &*(*self.as_raw()).netdev_ops };
        match (ops.ndo_bpf, ops.ndo_xdp_xmit, ops.ndo_xsk_wakeup) {
            (Some(bpf), Some(_), Some(wakeup)) => Some((bpf, wakeup)),
            _ => None,
        }
    }

    /// Whether the device implements what AF_XDP zero-copy needs
    /// (`ndo_bpf`, `ndo_xdp_xmit`, `ndo_xsk_wakeup`).
    pub fn supports_xsk_zc(&self) -> bool {
        self.xsk_ops().is_some()
    }

    /// Whether `dev->xdp_features` has every AF_XDP zero-copy bit.
    pub fn xdp_features_xsk(&self) -> bool {
        let xsk = bindings::NETDEV_XDP_ACT_XSK;
        // SAFETY: The device is valid; the word is written with one store.
        unsafe { atomic_load(&raw mut (*self.as_raw()).xdp_features, Relaxed) & xsk == xsk }
    }

    /// Returns the typed device if `self` was set up by driver `T`.
    #[inline]
    pub fn downcast<T: Driver>(&self) -> Option<&DriverDevice<T>> {
        // SAFETY: The device is valid; `netdev_ops` is set before the device
        // is visible and never changed.
        let ops = unsafe { (*self.as_raw()).netdev_ops };
        if ptr::eq(ops, &T::statics().ops().ndo) {
            // SAFETY: Only `T`'s setup installs `T`'s table, so the private
            // area is `T`'s; `DriverDevice<T>` is transparent over `Device`.
            Some(unsafe { &*ptr::from_ref(self).cast() })
        } else {
            None
        }
    }
}

pub(crate) type XskBpfFn =
    unsafe extern "C" fn(*mut bindings::net_device, *mut bindings::netdev_bpf) -> c_int;
pub(crate) type XskWakeupFn = unsafe extern "C" fn(*mut bindings::net_device, u32, u32) -> c_int;

/// Proof that the instance lock (`dev->lock`) of one device is held, for
/// `'a` at most.
///
/// Only made by [`InstanceGuard`], [`OpsGuard`] or an adapter for a
/// callback the core runs under the lock, and only lent out.
pub struct Locked<'a> {
    dev: &'a Device,
    _nts: NotThreadSafe,
}

impl<'a> Locked<'a> {
    fn new(dev: &'a Device) -> Self {
        Self {
            dev,
            _nts: NotThreadSafe,
        }
    }

    /// Returns a token for a callback the core runs under `dev`'s lock.
    ///
    /// # Safety
    ///
    /// The instance lock of `dev` must be held for `'a`.
    pub(crate) unsafe fn assume_held(dev: &'a Device) -> Self {
        // SAFETY: Checks the caller's promise where lockdep can.
        unsafe { bindings::netdev_assert_locked(dev.as_raw()) };
        Self::new(dev)
    }

    /// The locked device.
    pub fn device(&self) -> &'a Device {
        self.dev
    }

    /// Returns the least number of channels memory providers need
    /// (`dev_get_min_mp_channel_count`).
    pub fn min_mp_channel_count(&self) -> u32 {
        // SAFETY: The device is valid and its instance lock is held.
        unsafe { bindings::dev_get_min_mp_channel_count(self.dev.as_raw()) }
    }

    /// The physical queue that rx queue `index` of this (virtual) device
    /// leases; `EINVAL` past the active queues.
    ///
    /// A lease is set and ended under both devices' instance locks and
    /// holds a reference on the physical device, so it lasts at least as
    /// long as this borrow of the lock.
    pub fn rx_lease(&self, index: u32) -> Result<Option<Lease<'_>>> {
        let rxq = self.dev.rx_queue(index).ok_or(EINVAL)?;
        // SAFETY: The lease cannot change while the lock is held, see above.
        Ok(unsafe { rxq.lease() }.map(Lease::new))
    }

    /// Ends the lease between rx queue `index` of this (virtual) device and
    /// the physical device whose instance lock `phys` holds
    /// (`netdev_rx_queue_unlease`); `EINVAL` if the two queues are not
    /// leased to each other. The caller holds a reference on the physical
    /// device, which the lease's own may have been the last other one of.
    fn unlease(&self, index: u32, phys: &Locked<'_>) -> Result {
        let virt = self.dev.rx_queue(index).ok_or(EINVAL)?;
        // SAFETY: Both locks are held, so neither queue's lease changes.
        let Some(pq) = (unsafe { virt.lease() }) else {
            return Err(EINVAL);
        };
        // SAFETY: As above.
        let back = unsafe { pq.lease() };
        if !ptr::eq(pq.device(), phys.dev) || !back.is_some_and(|q| ptr::eq(q, virt)) {
            return Err(EINVAL);
        }
        // SAFETY: The queues are leased to each other and both devices'
        // instance locks are held, as the function asserts. It puts the
        // lease's reference on the physical device; the caller holds another
        // until after `phys` is unlocked.
        unsafe { bindings::netdev_rx_queue_unlease(virt.as_raw(), pq.as_raw()) };
        Ok(())
    }

    /// Returns the virtual device that leases rx queue `index` of this
    /// (physical) device, if any (`__netif_get_rx_queue_lease(..,
    /// NETIF_PHYS_TO_VIRT)`).
    pub fn leasee(&self, index: u32) -> Option<&Device> {
        if index >= self.dev.real_num_rx_queues() {
            return None;
        }
        let mut d = self.dev.as_raw();
        let mut i = index;
        // SAFETY: `index` is an active queue of the device, whose instance
        // lock is held as lease traversal requires.
        let q = unsafe {
            bindings::__netif_get_rx_queue_lease(
                &mut d,
                &mut i,
                bindings::netif_lease_dir_NETIF_PHYS_TO_VIRT,
            )
        };
        if q.is_null() || d == self.dev.as_raw() {
            return None;
        }
        // SAFETY: The lease cannot end without this lock, and the leasing
        // device cannot be freed while it holds a lease.
        Some(unsafe { Device::from_raw(d) })
    }
}

/// Holds a device's instance lock (`dev->lock`); released on drop.
pub struct InstanceGuard<'a>(Locked<'a>);

impl<'a> core::ops::Deref for InstanceGuard<'a> {
    type Target = Locked<'a>;

    fn deref(&self) -> &Locked<'a> {
        &self.0
    }
}

impl Drop for InstanceGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: The lock was taken by `Device::lock`.
        unsafe { bindings::netdev_unlock(self.0.dev.as_raw()) }
    }
}

/// Holds a device's instance lock if its ops need it (`netdev_lock_ops`);
/// released on drop.
pub struct OpsGuard<'a> {
    locked: Locked<'a>,
    taken: bool,
}

impl<'a> OpsGuard<'a> {
    /// The proof of the instance lock, if it was taken.
    pub fn locked(&self) -> Option<&Locked<'a>> {
        self.taken.then_some(&self.locked)
    }
}

impl Drop for OpsGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: Taken by `Device::lock_ops`, which decided the same way.
        unsafe { bindings::netdev_unlock_ops(self.locked.dev.as_raw()) }
    }
}

/// An invariant lifetime: `Brand<'a>` is only `Brand<'a>`.
type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;

/// The rx queues of a device in one `ndo_queue_create` call, under its
/// instance lock. `'a` brands the call: the queue [`RxQueues::add`] makes
/// can only be returned from it.
pub struct RxQueues<'a> {
    locked: Locked<'a>,
    _brand: Brand<'a>,
}

/// The queue [`RxQueues::add`] made in a `queue_create` call, of that
/// call's device: what the call returns.
///
/// # Invariants
///
/// `self.0` is an active rx queue index of the device of the call `'a`
/// brands.
pub struct NewRxQueue<'a>(u32, Brand<'a>);

impl<'a> RxQueues<'a> {
    /// The instance lock proof.
    pub fn locked(&self) -> &Locked<'a> {
        &self.locked
    }

    /// Activates one more rx queue (`netif_set_real_num_rx_queues`); the
    /// error of the core if the device has no queue left. One per call.
    pub fn add(self) -> Result<NewRxQueue<'a>> {
        let dev = self.locked.dev;
        let old = dev.real_num_rx_queues();
        let new = old.checked_add(1).ok_or(EINVAL)?;
        // SAFETY: The device is valid and its instance lock is held (type
        // invariant of `Locked`); the function checks `new` against
        // `num_rx_queues`.
        to_result(unsafe { bindings::netif_set_real_num_rx_queues(dev.as_raw(), new) })?;
        // INVARIANT: Queue `old` of this call's device is now active.
        Ok(NewRxQueue(old, PhantomData))
    }
}

/// Ends every lease of `dev`'s rx queues (`ndo_uninit`).
fn unlease_all<T: Driver>(dev: &DriverDevice<T>, rtnl: &Rtnl) {
    let n = dev.real_num_rx_queues();
    let lock = dev.lock(rtnl);
    for i in 0..n {
        let Ok(Some(lease)) = lock.rx_lease(i) else {
            continue;
        };
        let phys = lease.device();
        // SAFETY: `phys` is valid (the lease holds a reference); ours keeps
        // it valid until the matching `dev_put` below.
        unsafe { bindings::dev_hold(phys.as_raw()) };
        {
            let phys_lock = phys.lock(rtnl);
            // Cannot fail: the two queues are leased to each other.
            let _ = lock.unlease(i, &phys_lock);
        }
        // SAFETY: The reference taken above.
        unsafe { bindings::dev_put(phys.as_raw()) };
    }
}

/// A `struct sockaddr` handed to `ndo_set_mac_address`.
#[repr(transparent)]
pub struct SockAddr(Opaque<bindings::sockaddr>);

/// A command of `ndo_bpf` (`struct netdev_bpf`).
pub enum BpfCommand<'a> {
    /// `XDP_SETUP_PROG`.
    SetupProg,
    /// `XDP_SETUP_XSK_POOL`.
    SetupXskPool(XskPoolSetup<'a>),
    /// Anything else.
    Other,
}

/// An `XDP_SETUP_XSK_POOL` command, for the device whose instance lock
/// `ndo_bpf` holds.
///
/// # Invariants
///
/// `raw` is valid for `'a`, its command is `XDP_SETUP_XSK_POOL`, and it is
/// for the device `locked` holds the instance lock of.
pub struct XskPoolSetup<'a> {
    raw: &'a Opaque<bindings::netdev_bpf>,
    locked: &'a Locked<'a>,
}

impl<'a> XskPoolSetup<'a> {
    /// The queue the pool is for.
    pub fn queue_id(&self) -> u16 {
        // SAFETY: Valid, with `xsk` the union member in use (invariant).
        unsafe { (*self.raw.get()).__bindgen_anon_1.xsk.queue_id }
    }

    /// Whether a pool is being installed (else removed).
    pub fn is_create(&self) -> bool {
        // SAFETY: As above.
        unsafe { !(*self.raw.get()).__bindgen_anon_1.xsk.pool.is_null() }
    }

    /// The physical queue that the command's own queue leases, if any, to
    /// forward the command to; `EINVAL` past the active queues.
    pub fn lease(&self) -> Result<Option<XskLease<'_>>> {
        let lease = self.locked.rx_lease(u32::from(self.queue_id()))?;
        // SAFETY: The lease of the command's queue on the command's device
        // (type invariant).
        Ok(lease.map(|lease| unsafe { XskLease::new(lease, self) }))
    }

    /// A copy of the command.
    pub(crate) fn copy(&self) -> bindings::netdev_bpf {
        // SAFETY: Valid (type invariant); `netdev_bpf` is plain data.
        unsafe { ptr::read(self.raw.get()) }
    }
}

impl<'a> BpfCommand<'a> {
    /// # Safety
    ///
    /// `bpf` must be valid for `'a`, and be for the device `locked` holds
    /// the lock of.
    unsafe fn from_raw(bpf: *mut bindings::netdev_bpf, locked: &'a Locked<'a>) -> Self {
        // SAFETY: Valid per the caller.
        match unsafe { (*bpf).command } {
            bindings::bpf_netdev_command_XDP_SETUP_PROG => BpfCommand::SetupProg,
            bindings::bpf_netdev_command_XDP_SETUP_XSK_POOL => {
                // INVARIANT: Valid for `'a`, the pool setup, for `locked`'s
                // device (the caller's promise).
                BpfCommand::SetupXskPool(XskPoolSetup {
                    // SAFETY: Valid for `'a`; `Opaque` is transparent.
                    raw: unsafe { &*bpf.cast() },
                    locked,
                })
            }
            _ => BpfCommand::Other,
        }
    }
}

/// Statistics for `ndo_get_stats64` (`struct rtnl_link_stats64`).
#[repr(transparent)]
pub struct Stats64(Opaque<bindings::rtnl_link_stats64>);

impl Stats64 {
    /// Sums the per-cpu software stats of `dev` (`dev_fetch_sw_netstats`).
    pub fn fetch_sw_netstats<T: Driver>(&mut self, dev: &DriverDevice<T>) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: `self` is valid and ours; the core allocated `dev->tstats`
        // at registration (`PCPU_STATS` is `Tstats`), and stats are only
        // asked of registered devices.
        unsafe {
            bindings::dev_fetch_sw_netstats(self.0.get(), (*dev.as_raw()).__bindgen_anon_2.tstats)
        }
    }

    /// Sets `tx_dropped`.
    pub fn set_tx_dropped(&mut self, v: u64) {
        // SAFETY: `self` is valid and ours; plain data.
        unsafe { (*self.0.get()).tx_dropped = v }
    }

    /// Sets `rx_dropped`.
    pub fn set_rx_dropped(&mut self, v: u64) {
        // SAFETY: `self` is valid and ours; plain data.
        unsafe { (*self.0.get()).rx_dropped = v }
    }
}

/// The result of `ndo_start_xmit` for a driver that always consumes the skb.
#[repr(i32)]
pub enum TxStatus {
    /// `NET_XMIT_SUCCESS`.
    Success = bindings::NET_XMIT_SUCCESS as i32,
    /// `NET_XMIT_DROP`.
    Drop = bindings::NET_XMIT_DROP as i32,
}

/// Which per-cpu statistics the core allocates for a driver's devices
/// (`dev->pcpu_stat_type`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PcpuStats {
    /// None.
    None,
    /// `NETDEV_PCPU_STAT_TSTATS`: software rx/tx packet and byte counters.
    Tstats,
}

impl PcpuStats {
    const fn is_tstats(self) -> bool {
        matches!(self, PcpuStats::Tstats)
    }
}

/// The private area of a device of `T`: the peer pointer the abstraction
/// keeps for device pairs, then the driver's data.
///
/// # Invariants
///
/// `peer` is NULL or a registered device of `T` that unpublishes itself
/// from here (see [`DriverDevice::peer`]) before its unregistration starts.
#[repr(C)]
pub(crate) struct PrivArea<T: Driver> {
    peer: DevicePtr,
    data: T::Priv,
}

/// A net_device of driver `T`, with access to its private data.
///
/// # Invariants
///
/// The device was set up by `T` (its `netdev_ops` is `T`'s table), so its
/// private area holds a `PrivArea<T>` initialised by the setup adapter.
#[repr(transparent)]
pub struct DriverDevice<T: Driver>(Device, PhantomData<T>);

impl<T: Driver> core::ops::Deref for DriverDevice<T> {
    type Target = Device;

    #[inline]
    fn deref(&self) -> &Device {
        &self.0
    }
}

impl<T: Driver> DriverDevice<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid device set up by `T`, valid for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: Transparent wrapper; the caller guarantees the invariants.
        unsafe { &*ptr.cast() }
    }

    #[inline(always)]
    fn area(&self) -> &PrivArea<T> {
        // SAFETY: By the type invariant the private area holds an initialised
        // `PrivArea<T>`; it lives inside the net_device allocation and never
        // moves.
        unsafe { &*bindings::netdev_priv(self.as_raw()).cast() }
    }

    /// Returns the driver's private data (pinned in the device allocation).
    #[inline(always)]
    pub fn data(&self) -> &T::Priv {
        &self.area().data
    }

    /// The private data of device `dev` of `T`, as a raw pointer.
    pub(crate) fn data_ptr(dev: *mut bindings::net_device) -> *mut T::Priv {
        // SAFETY: Pointer arithmetic within the device allocation, whose
        // private area is a `PrivArea<T>` (`dev` is `T`'s); nothing is read.
        unsafe { &raw mut (*bindings::netdev_priv(dev).cast::<PrivArea<T>>()).data }
    }

    /// The peer of a device pair, under RCU (`rcu_dereference`).
    #[inline(always)]
    pub fn peer<'a>(&self, _rcu: &'a impl RcuRead) -> Option<&'a DriverDevice<T>> {
        // A relaxed load is `READ_ONCE`, whose address dependency orders
        // the reads through the pointer after the publisher's release store
        // (LKMM), as `rcu_dereference` does.
        let p = self.area().peer.0.load(Relaxed);
        // SAFETY: By the `PrivArea` invariant a non-null peer is a device of
        // `T` that stays valid until a grace period after it is unpublished,
        // which `_rcu` holds off.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// The peer of a device pair, under RTNL (`rtnl_dereference`).
    #[inline]
    pub fn peer_rtnl<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
        // RTNL serialises the writers (`rtnl_dereference`).
        let p = self.area().peer.0.load(Relaxed);
        // SAFETY: Unpublishing and unregistration both happen under RTNL,
        // and a device is not freed while RTNL is held.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// Publishes `peer` as this device's peer (`rcu_assign_pointer`).
    ///
    /// # Safety
    ///
    /// `peer` must be registered, and unpublished with
    /// [`DriverDevice::take_peer`] before its unregistration starts.
    pub(crate) unsafe fn set_peer(&self, _rtnl: &Rtnl, peer: &DriverDevice<T>) {
        // Release: readers see the peer initialised (`rcu_assign_pointer`).
        self.area().peer.0.store(peer.as_raw(), Release);
    }

    /// Unpublishes the peer (`RCU_INIT_POINTER(p, NULL)`) and returns it,
    /// still valid while RTNL is held.
    pub(crate) fn take_peer<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
        let p = self.area().peer.0.xchg(ptr::null_mut(), Relaxed);
        // SAFETY: The device was valid when published and is not freed while
        // RTNL is held.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// Sets `dev->needed_headroom`.
    #[inline]
    pub fn set_needed_headroom(&self, headroom: u16) {
        // SAFETY: The device is valid; the core reads this hint once,
        // without locks, so it is written with one store (`WRITE_ONCE`);
        // `i16` has the size and alignment of the `u16`.
        unsafe {
            atomic_store(
                (&raw mut (*self.as_raw()).needed_headroom).cast::<i16>(),
                headroom as i16,
                Relaxed,
            )
        }
    }

    /// Sets `dev->needed_tailroom`.
    #[inline]
    pub fn set_needed_tailroom(&self, tailroom: u16) {
        // SAFETY: As for `set_needed_headroom`.
        unsafe {
            atomic_store(
                (&raw mut (*self.as_raw()).needed_tailroom).cast::<i16>(),
                tailroom as i16,
                Relaxed,
            )
        }
    }

    /// Adds one transmitted packet to the per-cpu stats (`dev_sw_netstats_tx_add`).
    #[inline(always)]
    pub fn sw_netstats_tx_add(&self, _ctx: &TxContext, packets: u32, len: u32) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: The device is registered (it transmits) with per-cpu tstats
        // (`PCPU_STATS`); BH is disabled (`_ctx`), as the u64_stats writer
        // side requires.
        unsafe { bindings::dev_sw_netstats_tx_add(self.as_raw(), packets, len) }
    }

    /// Adds one received packet to the per-cpu stats (`dev_sw_netstats_rx_add`).
    #[inline(always)]
    pub fn sw_netstats_rx_add(&self, _ctx: &TxContext, len: u32) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: As for `sw_netstats_tx_add`; only registered devices are
        // reachable as peers.
        unsafe { bindings::dev_sw_netstats_rx_add(self.as_raw(), len) }
    }
}

/// An RCU-protected pointer to a registered net_device.
struct DevicePtr(Atomic<*mut bindings::net_device>);

/// A device being allocated: `setup` configures it before anything else can
/// see it.
#[repr(transparent)]
pub struct SetupDevice<T: Driver>(Device, PhantomData<T>);

impl<T: Driver> SetupDevice<T> {
    #[inline]
    fn raw(&mut self) -> &mut bindings::net_device {
        // SAFETY: During setup the device is only reachable through `self`.
        unsafe { &mut *self.0.as_raw() }
    }

    /// Ethernet defaults (`ether_setup`).
    pub fn ether_setup(&mut self) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::ether_setup(self.0.as_raw()) }
    }

    /// Sets `max_mtu`.
    pub fn set_max_mtu(&mut self, mtu: u32) {
        self.raw().max_mtu = mtu;
    }

    /// Sets bits in `flags`, except `IFF_UP`, which only opening sets.
    pub fn add_flags(&mut self, flags: Flags) {
        self.raw().flags |= flags.0 & !(Flag::Up as u32);
    }

    /// Sets bits in `priv_flags`.
    pub fn add_priv_flags(&mut self, flags: PrivFlags) {
        self.change_priv_flags(flags.0, 0);
    }

    fn change_priv_flags(&mut self, set: usize, clear: usize) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::netdev_change_priv_flags(self.0.as_raw(), set, clear) }
    }

    /// Marks transmit as lockless (`lltx`).
    pub fn set_lltx(&mut self) {
        // SAFETY: The `priv_flags_fast` group is plain data; either view of
        // the union is valid.
        unsafe { self.raw().__bindgen_anon_1.__bindgen_anon_1.set_lltx(1) };
    }

    /// The device transmits netmem without DMA (`NETMEM_TX_NO_DMA`).
    pub fn set_netmem_tx_no_dma(&mut self) {
        // SAFETY: As in `set_lltx`.
        unsafe {
            self.raw()
                .__bindgen_anon_1
                .__bindgen_anon_1
                .set_netmem_tx(bindings::netmem_tx_mode_NETMEM_TX_NO_DMA as usize)
        };
    }

    /// Sets `features |= f`, `hw_features = f`, `hw_enc_features = f`.
    pub fn set_features(&mut self, f: Features) {
        let raw = self.raw();
        raw.features |= f.0;
        raw.hw_features = f.0;
        raw.hw_enc_features = f.0;
    }

    /// Returns `features`.
    pub fn features(&mut self) -> Features {
        Features(self.raw().features)
    }

    /// Sets `mpls_features`.
    pub fn set_mpls_features(&mut self, f: Features) {
        self.raw().mpls_features = f.0;
    }

    /// Sets `vlan_features`.
    pub fn set_vlan_features(&mut self, f: Features) {
        self.raw().vlan_features = f.0;
    }

    /// Sets the TSO size limit (`netif_set_tso_max_size`).
    pub fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::netif_set_tso_max_size(self.0.as_raw(), size) }
    }
}

/// The maximum size of a GSO packet (`GSO_MAX_SIZE`).
pub const GSO_MAX_SIZE: u32 = bindings::GSO_MAX_SIZE;
/// The largest Ethernet MTU (`ETH_MAX_MTU`).
pub const ETH_MAX_MTU: u32 = bindings::ETH_MAX_MTU;
/// Default headroom (`NET_SKB_PAD`).
pub fn net_skb_pad() -> u32 {
    // SAFETY: Returns a constant.
    unsafe { bindings::net_skb_pad() }
}

/// A network device driver: its `net_device_ops` and private data.
///
/// Callbacks run with the locks the core documents for each `ndo_*`; those
/// that run under RTNL receive an [`Rtnl`] token, those under the instance
/// lock a [`Locked`] one. The table itself comes from
/// [`net_device_ops!`](crate::net_device_ops).
#[vtable]
pub trait Driver: HasOps + Sized + Send + Sync + 'static {
    /// Per-device private data, in `netdev_priv()`. It is never dropped
    /// (the core may free a device without a destructor call), so it must
    /// not need to be.
    type Priv: Send + Sync;

    /// Per-cpu statistics the core allocates for each device.
    const PCPU_STATS: PcpuStats = PcpuStats::None;

    /// Whether `ndo_features_check` is `passthru_features_check`.
    const FEATURES_PASSTHRU: bool = false;

    /// The BPF multi-program attach point in the private data, from
    /// [`mprog_field!`](crate::mprog_field); released in `ndo_uninit`.
    #[cfg(CONFIG_BPF_SYSCALL)]
    const MPROG: Option<crate::net::mprog::MprogField<Self>> = None;

    /// Initialises the private data of a freshly allocated device.
    fn priv_init() -> impl PinInit<Self::Priv>;

    /// `rtnl_link_ops->setup`: configures a freshly allocated device.
    fn setup(dev: &mut SetupDevice<Self>);

    /// `ndo_init`, after the lock classes are set.
    fn init(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_uninit`, before the abstraction releases what it attached.
    fn uninit(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_open`.
    fn open(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_stop`.
    fn stop(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_start_xmit`; the driver always consumes `skb`.
    fn start_xmit<'a>(skb: SkBuff<'a>, dev: &'a DriverDevice<Self>, ctx: &'a TxContext)
        -> TxStatus;

    /// `ndo_get_iflink`.
    fn get_iflink(_dev: &DriverDevice<Self>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_peer_dev`, called under RCU: the peer a redirect goes to.
    fn get_peer_dev<'a>(
        _dev: &'a DriverDevice<Self>,
        _rcu: &'a RcuHeld,
    ) -> Option<&'a DriverDevice<Self>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_stats64`.
    fn get_stats64(_dev: &DriverDevice<Self>, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_mac_address`, under RTNL.
    fn set_mac_address(_dev: &DriverDevice<Self>, _rtnl: &Rtnl, _addr: &SockAddr) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_headroom`; negative means "default".
    fn set_rx_headroom(_dev: &DriverDevice<Self>, _headroom: i32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_mode_async`.
    fn set_rx_mode_async(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_bpf`, under RTNL and the instance lock (only with
    /// `queue_create`, which makes the core take it for every op).
    fn bpf(
        _dev: &DriverDevice<Self>,
        _rtnl: &Rtnl,
        _locked: &Locked<'_>,
        _cmd: BpfCommand<'_>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_xsk_wakeup` for an AF_XDP socket bound to `queue`.
    fn xsk_wakeup(_dev: &DriverDevice<Self>, _queue: &XskWakeup<'_>, _flags: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `queue_mgmt_ops->ndo_queue_create`: adds an rx queue with
    /// [`RxQueues::add`] and returns it. Runs under the instance lock; the
    /// abstraction ends the queues' leases in `ndo_uninit`.
    fn queue_create<'a>(
        _dev: &'a DriverDevice<Self>,
        _queues: RxQueues<'a>,
        _extack: &mut ExtAck,
    ) -> Result<NewRxQueue<'a>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ethtool_ops->get_drvinfo`.
    fn get_drvinfo(_dev: &DriverDevice<Self>, _info: &mut DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The static tables of a driver, made by [`net_device_ops!`](crate::net_device_ops).
pub trait HasOps {
    /// The driver's tables and lock classes.
    fn statics() -> &'static Statics<Self>
    where
        Self: Driver;
}

/// The read-only `net_device_ops`, `netdev_queue_mgmt_ops` and `ethtool_ops`
/// of driver `T`. The address of `ndo` identifies `T`'s devices.
pub struct Ops<T: Driver> {
    ndo: bindings::net_device_ops,
    qops: bindings::netdev_queue_mgmt_ops,
    eops: bindings::ethtool_ops,
    _p: PhantomData<T>,
}

// SAFETY: The tables are plain data (function pointers) never written after
// construction.
unsafe impl<T: Driver> Sync for Ops<T> {}

/// The lock classes of one driver's devices, as the `static` keys
/// `netdev_lockdep_set_classes()` defines for each C driver.
pub struct LockClasses {
    tx_busylock: LockClassKey,
    xmit_lock: LockClassKey,
    addr_list_lock: LockClassKey,
    instance_lock: LockClassKey,
}

/// What [`net_device_ops!`](crate::net_device_ops) puts in statics for `T`.
///
/// # Invariants
///
/// `ops` is in a `static` of its own (read-only memory), `keys` in static
/// memory that is never freed.
pub struct Statics<T: Driver> {
    ops: &'static Ops<T>,
    keys: &'static LockClasses,
}

impl<T: Driver> Statics<T> {
    /// # Safety
    ///
    /// `keys` must be in a `static`, used by no other driver.
    #[doc(hidden)]
    pub const unsafe fn new(ops: &'static Ops<T>, keys: &'static LockClasses) -> Self {
        Self { ops, keys }
    }

    fn ops(&self) -> &'static Ops<T> {
        self.ops
    }
}

impl LockClasses {
    /// # Safety
    ///
    /// The result must be placed in a `static` and never dropped.
    #[doc(hidden)]
    pub const unsafe fn new_static() -> Self {
        // SAFETY: Per the function's contract.
        unsafe {
            Self {
                tx_busylock: LockClassKey::new_static(),
                xmit_lock: LockClassKey::new_static(),
                addr_list_lock: LockClassKey::new_static(),
                instance_lock: LockClassKey::new_static(),
            }
        }
    }
}

/// Builds a driver's `net_device_ops` (read-only) and lock classes and
/// implements [`HasOps`] for it.
///
/// `net_device_ops!(T, export_peer_dev = name)` also exports `T`'s
/// `ndo_get_peer_dev` as the C function `name` and puts that function in
/// the table, so that core code calling `name` directly
/// (`INDIRECT_CALL_1`) matches it.
#[macro_export]
macro_rules! net_device_ops {
    ($T:ty) => {
        const _: () = {
            static OPS: $crate::net::dev::Ops<$T> = $crate::net::dev::Ops::new();
    $crate::net_device_ops!(@statics $T, OPS);
        };
    };
    ($T:ty, export_peer_dev = $name:ident) => {
        /// Returns the peer of a device of this driver, under RCU.
        ///
        /// # Safety
        ///
        /// `dev` must be a device of this driver; the caller holds RCU.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            dev: *mut $crate::bindings::net_device,
        ) -> *mut $crate::bindings::net_device {
            // SAFETY: Forwarded from the caller.
            unsafe { $crate::net::dev::get_peer_dev_raw::<$T>(dev) }
        }
        const _: () = {
            // SAFETY: `$name` is `T`'s `ndo_get_peer_dev` adapter.
            static OPS: $crate::net::dev::Ops<$T> =
                unsafe { $crate::net::dev::Ops::with_peer_dev($name) };
    $crate::net_device_ops!(@statics $T, OPS);
        };
    };
    (@statics $T:ty, $ops:ident) => {
        // SAFETY: Placed in a static, never dropped.
        static KEYS: $crate::net::dev::LockClasses =
            unsafe { $crate::net::dev::LockClasses::new_static() };
        // SAFETY: `KEYS` is a static of this driver's only.
        static STATICS: $crate::net::dev::Statics<$T> =
            unsafe { $crate::net::dev::Statics::new(&$ops, &KEYS) };
        impl $crate::net::dev::HasOps for $T {
            fn statics() -> &'static $crate::net::dev::Statics<$T> {
                &STATICS
            }
        }
    };
}

/// `priv_size` of `T`'s devices: the size of its `PrivArea`, checked to
/// fit the `int` that `alloc_netdev_mqs()` takes (with the `net_device` in
/// front of it) and to need no alignment beyond the private area's.
pub(crate) const fn priv_size<T: Driver>() -> usize {
    const {
        assert!(
            core::mem::align_of::<PrivArea<T>>() <= bindings::NETDEV_ALIGN as usize,
            "private data aligned beyond NETDEV_ALIGN"
        )
    };
    const {
        assert!(
            core::mem::size_of::<PrivArea<T>>()
                <= c_int::MAX as usize - core::mem::size_of::<bindings::net_device>(),
            "private data larger than alloc_netdev_mqs() can allocate"
        )
    };
    core::mem::size_of::<PrivArea<T>>()
}

/// Offset of the driver's data in `T`'s private area.
#[cfg(CONFIG_BPF_SYSCALL)]
pub(crate) const fn data_offset<T: Driver>() -> usize {
    core::mem::offset_of!(PrivArea<T>, data)
}

type PeerDevFn = unsafe extern "C" fn(*mut bindings::net_device) -> *mut bindings::net_device;

impl<T: Driver> Default for Ops<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Driver> Ops<T> {
    /// Builds the tables from `T`'s implemented callbacks.
    pub const fn new() -> Self {
        let peer_dev: Option<PeerDevFn> = if T::HAS_GET_PEER_DEV {
            Some(Adapter::<T>::get_peer_dev)
        } else {
            None
        };
        Self::build(peer_dev)
    }

    /// Builds the tables with `peer_dev` as `ndo_get_peer_dev`.
    ///
    /// # Safety
    ///
    /// `peer_dev` must call [`get_peer_dev_raw::<T>`] and nothing else.
    #[doc(hidden)]
    pub const unsafe fn with_peer_dev(peer_dev: PeerDevFn) -> Self {
        const { assert!(T::HAS_GET_PEER_DEV) };
        Self::build(Some(peer_dev))
    }

    const fn build(peer_dev: Option<PeerDevFn>) -> Self {
        const {
            assert!(
                !T::HAS_BPF || T::HAS_QUEUE_CREATE,
                "ndo_bpf relies on the instance lock that queue_create implies"
            )
        };
        const {
            assert!(
                !T::HAS_GET_PEER_DEV || T::PCPU_STATS.is_tstats(),
                "bpf_redirect_peer() counts rx on the peer's tstats"
            )
        };
        let _ = priv_size::<T>();
        const {
            assert!(
                !core::mem::needs_drop::<T::Priv>(),
                "private data is never dropped"
            )
        };
        let ndo = bindings::net_device_ops {
            ndo_init: Some(Adapter::<T>::init),
            ndo_uninit: Some(Adapter::<T>::uninit),
            ndo_open: if T::HAS_OPEN {
                Some(Adapter::<T>::open)
            } else {
                None
            },
            ndo_stop: if T::HAS_STOP {
                Some(Adapter::<T>::stop)
            } else {
                None
            },
            ndo_start_xmit: Some(Adapter::<T>::start_xmit),
            ndo_get_iflink: if T::HAS_GET_IFLINK {
                Some(Adapter::<T>::get_iflink)
            } else {
                None
            },
            ndo_get_peer_dev: peer_dev,
            ndo_get_stats64: if T::HAS_GET_STATS64 {
                Some(Adapter::<T>::get_stats64)
            } else {
                None
            },
            ndo_set_mac_address: if T::HAS_SET_MAC_ADDRESS {
                Some(Adapter::<T>::set_mac_address)
            } else {
                None
            },
            ndo_set_rx_headroom: if T::HAS_SET_RX_HEADROOM {
                Some(Adapter::<T>::set_rx_headroom)
            } else {
                None
            },
            ndo_set_rx_mode_async: if T::HAS_SET_RX_MODE_ASYNC {
                Some(Adapter::<T>::set_rx_mode_async)
            } else {
                None
            },
            ndo_bpf: if T::HAS_BPF {
                Some(Adapter::<T>::bpf)
            } else {
                None
            },
            ndo_xsk_wakeup: if T::HAS_XSK_WAKEUP {
                Some(Adapter::<T>::xsk_wakeup)
            } else {
                None
            },
            ndo_features_check: if T::FEATURES_PASSTHRU {
                Some(bindings::passthru_features_check)
            } else {
                None
            },
            // SAFETY: All-zero is a valid `net_device_ops` (all `None`).
            ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
        };
        let qops = bindings::netdev_queue_mgmt_ops {
            ndo_queue_create: if T::HAS_QUEUE_CREATE {
                Some(Adapter::<T>::queue_create)
            } else {
                None
            },
            // SAFETY: All-zero is a valid `netdev_queue_mgmt_ops`.
            ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
        };
        // SAFETY: All-zero is a valid `ethtool_ops`.
        let mut eops: bindings::ethtool_ops =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        if T::HAS_GET_DRVINFO {
            eops.get_drvinfo = Some(Adapter::<T>::get_drvinfo);
        }
        Self {
            ndo,
            qops,
            eops,
            _p: PhantomData,
        }
    }
}

struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `dev` must be a valid device whose `netdev_ops` is `T`'s table.
    #[inline(always)]
    unsafe fn dev<'a>(dev: *const bindings::net_device) -> &'a DriverDevice<T> {
        // SAFETY: `T`'s table is only installed by `T`'s setup, so the device
        // is `T`'s; the core keeps it valid for the duration of the callback.
        unsafe { DriverDevice::from_raw(dev) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn init(dev: *mut bindings::net_device) -> c_int {
        let keys = T::statics().keys;
        // SAFETY: `ndo_init` runs during registration, before the device's
        // locks are used; the keys are in static memory (`Statics`), as
        // lockdep requires of keys it does not register.
        unsafe {
            bindings::netdev_set_lockdep_keys(
                dev,
                keys.tx_busylock.as_ptr(),
                keys.xmit_lock.as_ptr(),
                keys.addr_list_lock.as_ptr(),
                keys.instance_lock.as_ptr(),
            )
        };
        if !T::HAS_INIT {
            return 0;
        }
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::init(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn uninit(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_uninit` is called under RTNL on one of `T`'s devices.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        if T::HAS_UNINIT {
            T::uninit(dev, rtnl);
        }
        // The device's programs and links go with it, whatever the driver did.
        #[cfg(CONFIG_BPF_SYSCALL)]
        if let Some(field) = T::MPROG {
            field.get(dev.data()).release_all(rtnl);
        }
        if T::HAS_QUEUE_CREATE {
            unlease_all(dev, rtnl);
        }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn open(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_open` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::open(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_stop` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::stop(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    #[inline(always)]
    unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core hands over a valid skb that nothing else uses:
        // `IFF_TX_SKB_SHARING` is cleared at setup. It calls
        // `ndo_start_xmit` with BH disabled (netpoll, which would not, is
        // disabled at setup), on one of `T`'s devices.
        let (skb, dev, ctx) =
            unsafe { (SkBuff::from_raw(skb), Self::dev(dev), TxContext::assume()) };
        T::start_xmit(skb, dev, ctx) as bindings::netdev_tx_t
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_iflink(dev: *const bindings::net_device) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_iflink(unsafe { Self::dev(dev) })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    #[inline(always)]
    unsafe extern "C" fn get_peer_dev(dev: *mut bindings::net_device) -> *mut bindings::net_device {
        // SAFETY: `ndo_get_peer_dev` is called under RCU (`skb_do_redirect`
        // from a BPF program's context) on one of `T`'s devices.
        let (rcu, dev) = unsafe { (RcuHeld::assume(), Self::dev(dev)) };
        T::get_peer_dev(dev, rcu).map_or(ptr::null_mut(), |p| p.as_raw())
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_stats64(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: `stats` is valid and exclusively ours for the call;
        // `Stats64` is transparent.
        let stats = unsafe { &mut *stats.cast::<Stats64>() };
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_stats64(unsafe { Self::dev(dev) }, stats)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_mac_address(dev: *mut bindings::net_device, sa: *mut c_void) -> c_int {
        // SAFETY: `sa` is a valid `struct sockaddr`; `SockAddr` is transparent.
        let sa = unsafe { &*sa.cast::<SockAddr>() };
        // SAFETY: Called by the core under RTNL on one of `T`'s devices.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        from_result(|| T::set_mac_address(dev, rtnl, sa).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_rx_headroom(dev: *mut bindings::net_device, headroom: c_int) {
        // SAFETY: Called by the core on one of `T`'s devices.
        T::set_rx_headroom(unsafe { Self::dev(dev) }, headroom)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_rx_mode_async(
        dev: *mut bindings::net_device,
        _uc: *mut bindings::netdev_hw_addr_list,
        _mc: *mut bindings::netdev_hw_addr_list,
    ) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::set_rx_mode_async(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn bpf(
        dev: *mut bindings::net_device,
        cmd: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: Called by the core under RTNL on one of `T`'s devices.
        // `T` has `queue_mgmt_ops` (checked in `Ops::build`), so
        // `netdev_need_ops_lock` is true and the core also holds the
        // instance lock around `ndo_bpf`.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        // SAFETY: See above.
        let locked = unsafe { Locked::assume_held(dev) };
        // SAFETY: A valid command for `dev`, whose lock `locked` proves.
        let cmd = unsafe { BpfCommand::from_raw(cmd, &locked) };
        from_result(|| T::bpf(dev, rtnl, &locked, cmd).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn xsk_wakeup(
        dev: *mut bindings::net_device,
        queue_id: u32,
        flags: u32,
    ) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        let dev = unsafe { Self::dev(dev) };
        // SAFETY: The core calls `ndo_xsk_wakeup` for a socket bound to
        // `queue_id`, under RCU; unbinding (at the latest in the
        // `NETDEV_UNREGISTER` notifier) waits for a grace period, and the
        // device's leases end after that, in its `ndo_uninit` adapter.
        let queue = unsafe { XskWakeup::new(dev, queue_id) };
        from_result(|| T::xsk_wakeup(dev, &queue, flags).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: `info` is valid and ours for the call.
        let info = unsafe { DrvInfo::from_raw(info) };
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_drvinfo(unsafe { Self::dev(dev) }, info)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn queue_create(
        dev: *mut bindings::net_device,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: `extack` is valid (or NULL) for the call.
        let extack = &mut unsafe { ExtAck::from_raw(extack) };
        // SAFETY: Called on one of `T`'s devices.
        let dev = unsafe { Self::dev(dev) };
        let queues = RxQueues {
            // SAFETY: `ndo_queue_create` runs under the instance lock.
            locked: unsafe { Locked::assume_held(dev) },
            _brand: PhantomData,
        };
        from_result(|| {
            let q = T::queue_create(dev, queues, extack)?;
            // An index below `num_rx_queues`, at most 4096 (the core's
            // check at allocation), so it fits.
            Ok(q.0 as c_int)
        })
    }
}

/// Sets up a device being allocated by `alloc_netdev_mqs` for driver `T`.
///
/// # Safety
///
/// `dev` must be a device being allocated with room for a `PrivArea<T>` as
/// its private area.
pub(crate) unsafe fn setup<T: Driver>(dev: *mut bindings::net_device) {
    // SAFETY: The private area is `size_of::<PrivArea<T>>()` bytes at an
    // address aligned to `NETDEV_ALIGN`, which covers `PrivArea<T>`'s
    // alignment (checked in `Ops::build`); it is not initialised yet and
    // never moves. `peer` is written first, then `data` is initialised in
    // place.
    unsafe {
        let p = bindings::netdev_priv(dev).cast::<PrivArea<T>>();
        (&raw mut (*p).peer).write(DevicePtr(Atomic::new(ptr::null_mut())));
        ::pin_init::raw_init(&raw mut (*p).data, T::priv_init());
    }
    let ops = T::statics().ops();
    // SAFETY: During allocation only the caller sees the device; the tables
    // are `T`'s statics.
    unsafe {
        let raw = &mut *dev;
        raw.netdev_ops = &ops.ndo;
        if T::HAS_QUEUE_CREATE {
            raw.queue_mgmt_ops = &ops.qops;
        }
        if T::HAS_GET_DRVINFO {
            raw.ethtool_ops = &ops.eops;
        }
        raw.needs_free_netdev = true;
        if T::PCPU_STATS.is_tstats() {
            raw.set_pcpu_stat_type(bindings::netdev_stat_type_NETDEV_PCPU_STAT_TSTATS);
        }
    }
    // SAFETY: During allocation only the caller sees the device;
    // `SetupDevice` is transparent over `Device`.
    let sdev = unsafe { &mut *dev.cast::<SetupDevice<T>>() };
    T::setup(sdev);
    // `SkBuff` owns the skbs the driver is handed; netpoll would call
    // `ndo_start_xmit` with IRQs off, which `TxContext` does not cover.
    sdev.change_priv_flags(
        bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL as usize,
        bindings::netdev_priv_flags_IFF_TX_SKB_SHARING as usize,
    );
}

/// Looks up a device by ifindex in `net` (`__dev_get_by_index`).
pub fn get_by_index<'a>(_rtnl: &'a Rtnl, net: &Net, ifindex: u32) -> Option<&'a Device> {
    // SAFETY: RTNL is held (`_rtnl`), as the lookup requires; `net` is live.
    let p = unsafe { bindings::__dev_get_by_index(net.as_raw(), ifindex as c_int) };
    // SAFETY: A registered device is not freed while RTNL is held.
    (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
}

/// Whether `addr` is a valid unicast Ethernet address (`is_valid_ether_addr`).
pub fn is_valid_ether_addr(addr: &[u8]) -> bool {
    // SAFETY: `addr` has the six bytes the function reads.
    addr.len() == 6 && unsafe { bindings::is_valid_ether_addr(addr.as_ptr()) }
}

/// `ndo_get_peer_dev` of driver `T` as a plain C function.
///
/// # Safety
///
/// `dev` must be a device of `T`, and the caller in an RCU read section.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn get_peer_dev_raw<T: Driver>(
    dev: *mut bindings::net_device,
) -> *mut bindings::net_device {
    // SAFETY: Per the function's contract.
    unsafe { Adapter::<T>::get_peer_dev(dev) }
}
