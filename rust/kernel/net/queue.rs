// SPDX-License-Identifier: GPL-2.0

//! Receive queues and queue leasing.
//!
//! A virtual device (such as one in a container) can lease rx queues of
//! a physical device. Both ends of a lease are set and cleared under both
//! devices' instance locks, so the lease is only looked at through a
//! [`Locked`] proof ([`Locked::rx_lease`], [`Locked::leasee`]) or in a
//! context that pins it ([`XskWakeup`]); the device's `ndo_uninit` adapter
//! ends its leases.
//!
//! C header: [`include/net/netdev_rx_queue.h`](srctree/include/net/netdev_rx_queue.h).
//!
//! # Examples
//!
//! A device without leases reports none, and refuses to look past its
//! active queues:
//!
//! ```
//! use kernel::{bindings, net::{dev::Device, rtnl::Rtnl}};
//!
//! // SAFETY: A test may sleep and holds no lock.
//! let rtnl = unsafe { Rtnl::lock() };
//! // SAFETY: `init_net` is the initial namespace, alive forever.
//! let net = unsafe { kernel::net::rtnl::Net::from_raw(&raw mut bindings::init_net) };
//! let lo = kernel::net::dev::get_by_index(&rtnl, net, 1).expect("lo has ifindex 1");
//! let lock = lo.lock(&rtnl);
//! assert!(lock.rx_lease(0).expect("queue 0 exists").is_none());
//! assert_eq!(lock.rx_lease(lo.real_num_rx_queues()).err(), Some(EINVAL));
//! assert!(lock.leasee(0).is_none());
//! # Ok::<(), Error>(())
//! ```
//!
//! [`Locked`]: crate::net::dev::Locked
//! [`Locked::rx_lease`]: crate::net::dev::Locked::rx_lease
//! [`Locked::leasee`]: crate::net::dev::Locked::leasee

use crate::{
    bindings,
    error::to_result,
    net::dev::{
        Device,
        Driver,
        DriverDevice, //
    },
    prelude::*,
    sync::atomic::{
        atomic_load,
        Relaxed, //
    },
    types::Opaque, //
};

/// A receive queue of a device (`struct netdev_rx_queue`).
///
/// # Invariants
///
/// The queue is valid and belongs to a device that outlives the reference.
#[repr(transparent)]
pub(crate) struct RxQueue(Opaque<bindings::netdev_rx_queue>);

impl RxQueue {
    /// # Safety
    ///
    /// `p` must be a valid queue of a device that is valid for `'a`.
    pub(crate) unsafe fn from_raw<'a>(p: *mut bindings::netdev_rx_queue) -> &'a RxQueue {
        // SAFETY: Transparent wrapper; validity per the caller.
        // INVARIANT: Per the caller.
        unsafe { &*p.cast() }
    }

    pub(crate) fn as_raw(&self) -> *mut bindings::netdev_rx_queue {
        self.0.get()
    }

    /// The device the queue belongs to.
    pub(crate) fn device(&self) -> &Device {
        // SAFETY: `dev` is set at allocation; the device outlives its queues.
        unsafe { Device::from_raw((*self.as_raw()).dev) }
    }

    /// The queue's index in its device (`get_netdev_rx_queue_index`).
    pub(crate) fn index(&self) -> u32 {
        // SAFETY: The queue is valid.
        unsafe { bindings::get_netdev_rx_queue_index(self.as_raw()) }
    }

    /// The queue at the other end of a lease (`READ_ONCE(rxq->lease)`).
    ///
    /// # Safety
    ///
    /// The lease must not end while the result is used: the caller holds
    /// the instance lock of one of the two devices, or is in a context that
    /// keeps the lease (see [`XskWakeup`]).
    pub(crate) unsafe fn lease(&self) -> Option<&RxQueue> {
        // SAFETY: The queue is valid; `lease` is written with one store
        // (`WRITE_ONCE`) and read as `READ_ONCE` in C.
        let l = unsafe { atomic_load(&raw mut (*self.as_raw()).lease, Relaxed) };
        // SAFETY: A lease holds a reference on the physical device, so the
        // other queue is valid while the lease lasts (caller's promise).
        (!l.is_null()).then(|| unsafe { RxQueue::from_raw(l) })
    }
}

/// The physical end of a lease, seen from the virtual device's queue.
#[derive(Clone, Copy)]
pub struct Lease<'a>(&'a RxQueue);

impl<'a> Lease<'a> {
    pub(crate) fn new(q: &'a RxQueue) -> Self {
        Self(q)
    }

    /// The device the leased queue belongs to.
    pub fn device(&self) -> &'a Device {
        self.0.device()
    }

    /// The leased queue's index in that device.
    pub fn index(&self) -> u32 {
        self.0.index()
    }
}

/// The queue an `ndo_xsk_wakeup` call is for.
///
/// # Invariants
///
/// An AF_XDP socket is bound to queue `queue_id` of `dev` for `'a`, so a
/// lease of that queue lasts at least as long: the core unbinds sockets and
/// waits for a grace period before a device's leases end.
pub struct XskWakeup<'a> {
    dev: &'a Device,
    queue_id: u32,
}

impl<'a> XskWakeup<'a> {
    /// # Safety
    ///
    /// An AF_XDP socket must be bound to queue `queue_id` of `dev` for `'a`
    /// (`ndo_xsk_wakeup` runs under RCU while it is).
    pub(crate) unsafe fn new<T: Driver>(dev: &'a DriverDevice<T>, queue_id: u32) -> Self {
        // INVARIANT: Per the caller.
        Self { dev, queue_id }
    }

    /// The queue id the wakeup is for.
    pub fn queue_id(&self) -> u32 {
        self.queue_id
    }

    /// The physical queue the queue leases; `EINVAL` past the device's
    /// active queues.
    pub fn lease(&self) -> Result<Option<Lease<'_>>> {
        let rxq = self.dev.rx_queue(self.queue_id).ok_or(EINVAL)?;
        // SAFETY: The lease outlives the bound socket (type invariant).
        Ok(unsafe { rxq.lease() }.map(Lease::new))
    }

    /// Forwards the wakeup to the leased queue (`ndo_xsk_wakeup` of the
    /// physical device); `EINVAL` past the active queues, `EOPNOTSUPP`
    /// without a lease or AF_XDP zero-copy support there.
    pub fn wakeup_lease(&self, flags: u32) -> Result {
        let lease = self.lease()?.ok_or(EOPNOTSUPP)?;
        let dev = lease.device();
        let (_, wakeup) = dev.xsk_ops().ok_or(EOPNOTSUPP)?;
        // SAFETY: `wakeup` is the physical device's `ndo_xsk_wakeup`, called
        // as the core calls it: under RCU (this call's), for the queue its
        // pool was set up on when the socket bound to the virtual queue.
        to_result(unsafe { wakeup(dev.as_raw(), lease.index(), flags) })
    }
}
