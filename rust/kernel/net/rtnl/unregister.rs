// SPDX-License-Identifier: GPL-2.0

//! Unregistering devices in batches, and `dellink`.
//!
//! Drivers delete devices of their own only where the core expects it: in
//! `dellink` (the core's batch) and, from a notifier, the devices that lease
//! rx queues of a device being unregistered ([`dellink_leasees`]). A
//! notifier that could delete any device would delete ones the core is in
//! the middle of changing (a device moving to another namespace, the lower
//! device of an upper being linked).

use super::{
    LinkOps,
    Rtnl, //
};
use crate::{
    bindings,
    net::dev::{
        self,
        DriverDevice, //
    }, //
};
use core::ptr;

/// A batch of devices to unregister (`LIST_HEAD` + `unregister_netdevice_many`).
///
/// # Invariants
///
/// `self.head` is a valid list head for `'a`, and RTNL is held for `'a`.
/// With `self.core`, it is the list a `dellink` the core called got: a
/// registered device in a batch is in this one (the core builds no other
/// batch meanwhile and unregisters a batch before it releases RTNL).
pub(crate) struct UnregisterList<'a> {
    pub(super) head: *mut bindings::list_head,
    pub(super) rtnl: &'a Rtnl,
    pub(super) core: bool,
}

impl UnregisterList<'_> {
    /// Queues `dev` (`unregister_netdevice_queue`), which in the core's list
    /// moves a device it has to the tail, as in C. A device in another batch
    /// is left there: that batch may be in the middle of unregistering it.
    fn queue(&mut self, dev: &dev::Device) {
        if dev.unregister_queued(self.rtnl) && !(self.core && dev.is_registered()) {
            return;
        }
        // SAFETY: `dev` is valid and in no batch, or registered in this one
        // (type invariant), which nothing walks until `dellink` returns;
        // RTNL is held; the list is valid (type invariant).
        unsafe { bindings::unregister_netdevice_queue(dev.as_raw(), self.head) }
    }
}

/// Runs `f` with a fresh unregister list, then unregisters what it queued
/// (`unregister_netdevice_many`).
///
/// Needs the exclusive RTNL token, which `newlink` does not have: a device
/// `newlink` registers cannot be queued before it is paired.
fn unregister_many(rtnl: &mut Rtnl, f: impl FnOnce(&mut UnregisterList<'_>)) {
    let mut head = bindings::list_head {
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
    };
    let hp = &raw mut head;
    // SAFETY: `head` is a valid list head on our stack.
    unsafe { bindings::INIT_LIST_HEAD(hp) };
    // INVARIANT: `head` outlives the list; RTNL is held (`rtnl`).
    f(&mut UnregisterList {
        head: hp,
        rtnl,
        core: false,
    });
    // SAFETY: RTNL is held; every entry was queued under it; `head` lives
    // until the call returns, and the function empties it.
    unsafe { bindings::unregister_netdevice_many(hp) };
}

/// Deletes `dev` and its peer as `rtnl_link_ops->dellink` does: unpublishes
/// both peer pointers, then queues both devices (each unless already in a
/// batch). A pair a `newlink` has not finished with (either device still
/// initializing), that is moving to another namespace, or that has the
/// device a notifier's event is about, is left alone: the core goes on
/// using it.
fn dellink<T: LinkOps>(list: &mut UnregisterList<'_>, dev: &DriverDevice<T>) {
    let rtnl = list.rtnl;
    let peer = dev.peer_if_paired(rtnl);
    let busy = |d: &DriverDevice<T>| {
        ptr::eq(d.as_raw().cast_const(), rtnl.busy)
            || d.is_initializing(rtnl)
            || d.is_moving_ns(rtnl)
    };
    if busy(dev) || peer.is_some_and(busy) {
        return;
    }
    dellink_registered(list, dev)
}

/// [`dellink`] of a device the core deletes.
pub(super) fn dellink_registered<T: LinkOps>(list: &mut UnregisterList<'_>, dev: &DriverDevice<T>) {
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

/// Deletes, in one batch, every device of `T` that leases an rx queue of
/// `lessor` while `lessor` is being unregistered (its `NETDEV_UNREGISTER`
/// event; otherwise nothing): a device leasing queues goes with the
/// device it leases them from. A notifier does this; it holds the
/// exclusive RTNL token.
pub fn dellink_leasees<T: LinkOps>(rtnl: &mut Rtnl, lessor: &dev::Device) {
    if !lessor.is_unregistering() {
        return;
    }
    unregister_many(rtnl, |list| {
        let guard = lessor.lock_ops(list.rtnl);
        // A device without the ops lock has no queue management, so no
        // leases.
        let Some(lock) = guard.locked() else { return };
        for i in 0..lessor.real_num_rx_queues() {
            if let Some(d) = lock.leasee(i).and_then(|d| d.downcast::<T>()) {
                dellink(list, d);
            }
        }
    });
}
