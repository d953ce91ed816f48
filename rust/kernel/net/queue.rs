// SPDX-License-Identifier: GPL-2.0

//! Receive queues and queue leasing.
//!
//! C header: [`include/net/netdev_rx_queue.h`](srctree/include/net/netdev_rx_queue.h).

use crate::{
    bindings,
    net::dev::{Device, Locked},
    types::Opaque,
};
use core::ptr;

/// A receive queue of a device (`struct netdev_rx_queue`).
///
/// # Invariants
///
/// The queue is valid and belongs to a device that outlives the reference.
#[repr(transparent)]
pub struct RxQueue(Opaque<bindings::netdev_rx_queue>);

impl RxQueue {
    /// # Safety
    ///
    /// `p` must be a valid queue of a device that is valid for `'a`.
    pub(crate) unsafe fn from_raw<'a>(p: *mut bindings::netdev_rx_queue) -> &'a RxQueue {
        // SAFETY: Transparent wrapper; validity per the caller.
        unsafe { &*p.cast() }
    }

    fn raw(&self) -> *mut bindings::netdev_rx_queue {
        self.0.get()
    }

    /// The device the queue belongs to.
    pub fn device(&self) -> &Device {
        // SAFETY: `dev` is set at allocation and valid as long as the queue.
        unsafe { Device::from_raw((*self.raw()).dev) }
    }

    /// The queue's index in its device (`get_netdev_rx_queue_index`).
    pub fn index(&self) -> u32 {
        // SAFETY: The queue is valid.
        unsafe { bindings::get_netdev_rx_queue_index(self.raw()) }
    }

    /// The queue at the other end of a lease (`READ_ONCE(rxq->lease)`).
    ///
    /// A lease holds a reference on the physical device and is only undone
    /// under both devices' instance locks, so the other queue stays valid
    /// while this one is leased.
    pub fn lease(&self) -> Option<&RxQueue> {
        // SAFETY: The queue is valid; `lease` is read once, as in C.
        let l = unsafe { ptr::read_volatile(&raw const (*self.raw()).lease) };
        // SAFETY: See above.
        (!l.is_null()).then(|| unsafe { RxQueue::from_raw(l) })
    }

    /// Ends the lease between this (virtual) queue and `phys`
    /// (`netdev_rx_queue_unlease`), with both devices' instance locks held.
    pub fn unlease(&self, phys: &RxQueue, _virt_lock: &Locked, _phys_lock: &Locked) {
        // SAFETY: Both queues are valid, leased to each other, and both
        // devices' instance locks are held (the guards).
        unsafe { bindings::netdev_rx_queue_unlease(self.raw(), phys.raw()) }
    }
}

/// Returns the virtual device that leases rx queue `index` of the physical
/// device `dev`, if any (`__netif_get_rx_queue_lease(.., NETIF_PHYS_TO_VIRT)`).
pub fn leasee<'a>(dev: &'a Device, _lock: &Locked, index: u32) -> Option<&'a Device> {
    if index >= dev.real_num_rx_queues() {
        return None;
    }
    let mut d = dev.as_raw();
    let mut i = index;
    // SAFETY: `index` is a valid queue of `dev`, whose ops lock is held.
    let q = unsafe {
        bindings::__netif_get_rx_queue_lease(
            &mut d,
            &mut i,
            bindings::netif_lease_dir_NETIF_PHYS_TO_VIRT,
        )
    };
    if q.is_null() || d == dev.as_raw() {
        return None;
    }
    // SAFETY: A leased queue's device is valid while the lease lasts, which
    // the held lock keeps from ending.
    Some(unsafe { Device::from_raw(d) })
}
