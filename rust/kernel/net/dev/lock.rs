// SPDX-License-Identifier: GPL-2.0

//! The instance lock of a device and what it protects: rx queues and their leases.

use super::{
    Device,
    Driver,
    DriverDevice, //
};
use crate::{
    bindings,
    error::to_result,
    net::{
        queue::{
            Lease,
            RxQueue, //
        },
        rtnl::Rtnl, //
    },
    prelude::*,
    sync::{
        Mutex,
        MutexGuard, //
    },
    types::NotThreadSafe, //
};
use core::{
    marker::PhantomData,
    ptr::{
        self,
        NonNull, //
    }, //
};

impl Device {
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

    /// The instance lock (`dev->lock`).
    fn instance_lock(&self) -> &Mutex<()> {
        // SAFETY: The device is valid for the borrow of `self`, and its
        // `lock` is a mutex initialised at allocation.
        unsafe { Mutex::from_raw(&raw mut (*self.as_raw()).lock) }
    }

    /// Takes the device instance lock (`netdev_lock`), which may sleep:
    /// `_rtnl` proves a context that may, and RTNL is taken before the
    /// instance lock.
    ///
    /// It deadlocks (no more) where the core already holds this device's
    /// instance lock: the ops of a driver whose devices have the ops lock
    /// (`queue_create`, `xsk_pool_enable`), and notifier events of such
    /// devices.
    pub fn lock(&self, _rtnl: &Rtnl) -> InstanceGuard<'_> {
        InstanceGuard {
            _guard: self.instance_lock().lock(),
            // INVARIANT: The guard above holds the lock.
            locked: Locked::new(self),
        }
    }

    /// Takes the instance lock if the device's ops need it
    /// (`netdev_lock_ops`); may sleep, see [`Device::lock`].
    pub fn lock_ops(&self, _rtnl: &Rtnl) -> OpsGuard<'_> {
        // SAFETY: The device is valid. Whether it needs the ops lock is fixed
        // before registration.
        let need = unsafe { bindings::netdev_need_ops_lock(self.as_raw()) };
        OpsGuard {
            guard: need.then(|| self.instance_lock().lock()),
            // INVARIANT: Only lent out (`OpsGuard::locked`) while `guard`
            // holds the lock.
            locked: Locked::new(self),
        }
    }
}

/// Proof that the instance lock (`dev->lock`) of one device is held, for
/// `'a` at most.
///
/// Only made by [`InstanceGuard`], [`OpsGuard`] or an adapter for a
/// callback the core runs under the lock, and only lent out.
///
/// # Invariants
///
/// The instance lock of `dev` is held whenever safe code can reach `self`,
/// for `'a` at most.
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
pub struct InstanceGuard<'a> {
    locked: Locked<'a>,
    _guard: MutexGuard<'a, ()>,
}

impl<'a> core::ops::Deref for InstanceGuard<'a> {
    type Target = Locked<'a>;

    fn deref(&self) -> &Locked<'a> {
        &self.locked
    }
}

/// Holds a device's instance lock if its ops need it (`netdev_lock_ops`);
/// released on drop.
pub struct OpsGuard<'a> {
    locked: Locked<'a>,
    guard: Option<MutexGuard<'a, ()>>,
}

impl<'a> OpsGuard<'a> {
    /// The proof of the instance lock, if it was taken.
    pub fn locked(&self) -> Option<&Locked<'a>> {
        self.guard.as_ref().map(|_| &self.locked)
    }
}

/// An invariant lifetime: `Brand<'a>` is only `Brand<'a>`.
type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;

/// The rx queues of a device in one `ndo_queue_create` call, under its
/// instance lock. `'a` brands the call: the queue [`RxQueues::add`] makes
/// can only be returned from it.
pub struct RxQueues<'a> {
    pub(super) locked: Locked<'a>,
    pub(super) _brand: Brand<'a>,
}

/// The queue [`RxQueues::add`] made in a `queue_create` call, of that
/// call's device: what the call returns.
///
/// # Invariants
///
/// `self.0` is an active rx queue index of the device of the call `'a`
/// brands.
pub struct NewRxQueue<'a>(pub(super) u32, Brand<'a>);

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
pub(super) fn unlease_all<T: Driver>(dev: &DriverDevice<T>, rtnl: &Rtnl) {
    let n = dev.real_num_rx_queues();
    let lock = dev.lock(rtnl);
    for i in 0..n {
        let Ok(Some(lease)) = lock.rx_lease(i) else {
            continue;
        };
        // The lease's own reference may be the last other one.
        let phys = DevRef::hold(lease.device());
        let phys_lock = phys.lock(rtnl);
        // Cannot fail: the two queues are leased to each other.
        let _ = lock.unlease(i, &phys_lock);
    }
}

/// A reference on a device (`dev_hold`), put on drop; private: drivers see
/// devices only for as long as a context lends them.
///
/// # Invariants
///
/// `self.0` is a device we hold a reference on.
struct DevRef(NonNull<bindings::net_device>);

impl DevRef {
    fn hold(dev: &Device) -> Self {
        // SAFETY: `dev` is valid for the call.
        unsafe { bindings::dev_hold(dev.as_raw()) };
        // INVARIANT: The reference was just taken.
        Self(NonNull::from(dev).cast())
    }
}

impl core::ops::Deref for DevRef {
    type Target = Device;

    fn deref(&self) -> &Device {
        // SAFETY: The reference keeps the device allocated (type invariant).
        unsafe { Device::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for DevRef {
    fn drop(&mut self) {
        // SAFETY: Ours to put (type invariant).
        unsafe { bindings::dev_put(self.0.as_ptr()) };
    }
}
