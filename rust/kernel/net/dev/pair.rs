// SPDX-License-Identifier: GPL-2.0

//! Device pairs: the RCU-protected pointer from each device to its peer.

use super::{
    Driver,
    DriverDevice,
    RcuRead, //
};
use crate::{
    bindings,
    net::rtnl::{
        Rtnl,
        RtnlHeld, //
    },
    sync::atomic::{
        Atomic,
        Relaxed,
        Release, //
    }, //
};
use core::ptr;

/// The peer of a device of a driver that makes pairs (`struct net_device
/// __rcu *peer`), a field of its private data named in
/// [`Driver::PAIR`]. Only the abstractions write it: [`Registered::pair`]
/// publishes it, the `dellink` adapter unpublishes it.
///
/// # Invariants
///
/// In the slot [`Driver::PAIR`] names, the pointer is NULL or a registered
/// device of the same driver that unpublishes itself from here before its
/// unregistration starts.
///
/// [`Registered::pair`]: crate::net::rtnl::Registered::pair
pub struct PeerSlot(Atomic<*mut bindings::net_device>);

impl PeerSlot {
    /// An empty slot.
    pub const fn new() -> Self {
        // INVARIANT: NULL.
        Self(Atomic::new(ptr::null_mut()))
    }
}

impl Default for PeerSlot {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Driver> DriverDevice<T> {
    /// The slot, for a driver that makes pairs.
    #[inline(always)]
    fn slot(&self) -> Option<&PeerSlot> {
        T::PAIR.map(|f| f.get(self.data()))
    }

    /// The slot; a build error for a driver that makes no pairs.
    #[inline(always)]
    fn peer_slot(&self) -> Option<&PeerSlot> {
        const {
            assert!(
                T::PAIR.is_some(),
                "the driver makes no pairs (Driver::PAIR)"
            )
        };
        self.slot()
    }

    /// The peer of a device pair, under RCU (`rcu_dereference`).
    #[inline(always)]
    pub fn peer<'a>(&self, _rcu: &'a impl RcuRead) -> Option<&'a DriverDevice<T>> {
        // A relaxed load is `READ_ONCE`, whose address dependency orders
        // the reads through the pointer after the publisher's release store
        // (LKMM), as `rcu_dereference` does.
        let p = self.peer_slot()?.0.load(Relaxed);
        // SAFETY: By the `PeerSlot` invariant a non-null peer is a device of
        // `T` that stays valid until a grace period after it is unpublished,
        // which `_rcu` holds off.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// The peer of a device pair, under RTNL (`rtnl_dereference`).
    #[inline]
    pub fn peer_rtnl<'a>(&self, _rtnl: &'a impl RtnlHeld) -> Option<&'a DriverDevice<T>> {
        // RTNL serialises the writers.
        let p = self.peer_slot()?.0.load(Relaxed);
        // SAFETY: Unpublishing and unregistration both happen under RTNL,
        // and a device is not freed while RTNL is held.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// The peer under RTNL, `None` also for a driver that makes no pairs.
    pub(crate) fn peer_if_paired<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
        let p = self.slot()?.0.load(Relaxed);
        // SAFETY: As in `peer_rtnl`.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }

    /// Publishes `peer` as this device's peer (`rcu_assign_pointer`).
    ///
    /// # Safety
    ///
    /// `peer` must be registered, and unpublished with
    /// [`DriverDevice::take_peer`] before its unregistration starts.
    pub(crate) unsafe fn set_peer(&self, _rtnl: &Rtnl, peer: &DriverDevice<T>) {
        // INVARIANT: Per the caller. Release: readers see the peer
        // initialised (`rcu_assign_pointer`).
        if let Some(s) = self.slot() {
            s.0.store(peer.as_raw(), Release);
        }
    }

    /// Unpublishes the peer (`RCU_INIT_POINTER(p, NULL)`) and returns it,
    /// still valid while RTNL is held; `None` also for a driver that makes
    /// no pairs.
    pub(crate) fn take_peer<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a DriverDevice<T>> {
        let p = self.slot()?.0.xchg(ptr::null_mut(), Relaxed);
        // SAFETY: The device was valid when published and is not freed while
        // RTNL is held.
        (!p.is_null()).then(|| unsafe { DriverDevice::from_raw(p) })
    }
}
