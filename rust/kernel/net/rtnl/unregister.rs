// SPDX-License-Identifier: GPL-2.0

//! Unregistering devices in batches, and `dellink`.

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
pub struct UnregisterList<'a> {
    pub(super) head: *mut bindings::list_head,
    pub(super) rtnl: &'a Rtnl,
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
/// batch). A pair a `newlink` has not finished with (either device still
/// initializing), or that has the device a notifier's event is about, is
/// left alone: the caller goes on using it.
pub fn dellink<T: LinkOps>(list: &mut UnregisterList<'_>, dev: &DriverDevice<T>) {
    let rtnl = list.rtnl;
    let peer = dev.peer_if_paired(rtnl);
    let busy = |d: &DriverDevice<T>| {
        ptr::eq(d.as_raw().cast_const(), rtnl.busy) || d.is_initializing(rtnl)
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
