// SPDX-License-Identifier: GPL-2.0

//! Positive control: the correct use of what the other cases misuse. It must
//! compile; if it does not, the harness's command line is broken.

// expect: ok

use kernel::net::{
    dev::{Device, Driver, DriverDevice, Locked, NewRxQueue, PrivFlag, RcuHeld},
    dev::{RxQueues, SetupDevice},
    queue::XskWakeup,
    rtnl::Registered,
    rtnl::{self, Attrs, ExtAck, LinkOps, NewDevice, NewLinkDone, NewLinkParams, Peer, PeerAttrs},
    rtnl::{Net, PolicyEntry, Rtnl, RtnlAtomic},
    skbuff::{BpfNetContext, RxResult, SkBuff, TxContext},
};
use kernel::prelude::*;

/// A notifier deletes the devices leasing queues of a device that goes,
/// with the exclusive RTNL token it gets.
pub fn delete<T: LinkOps>(rtnl: &mut Rtnl, lessor: &Device) {
    rtnl::dellink_leasees::<T>(rtnl, lessor);
}

/// The skb is read before it is handed on, never after.
pub fn rx(skb: SkBuff<'_>, ctx: &TxContext) -> u32 {
    let len = skb.len();
    match skb.netif_rx(ctx) {
        RxResult::Success => len,
        RxResult::Dropped(_) => 0,
    }
}

/// A redirect with the `bpf_net_context` installed.
pub fn redirect(skb: SkBuff<'_>, ctx: &BpfNetContext) {
    skb.do_redirect(ctx);
}

/// The RCU token from the core.
pub fn peer<'a, T: Driver>(
    dev: &'a DriverDevice<T>,
    rcu: &'a RcuHeld,
) -> Option<&'a DriverDevice<T>> {
    T::get_peer_dev(dev, rcu)
}

/// The skb's device is one that outlives it.
pub fn to_peer<'a, T: Driver>(skb: &mut SkBuff<'a>, dev: &'a DriverDevice<T>, ctx: &'a TxContext) {
    if let Some(peer) = dev.peer(ctx) {
        skb.set_dev(peer);
    }
}

/// Leases under the device's own lock, taken with RTNL held.
pub fn lease_index(rtnl: &Rtnl, dev: &Device) -> Result<u32> {
    let lock = dev.lock(rtnl);
    let _ = dev.net(rtnl);
    Ok(lock.rx_lease(1)?.map_or(0, |l| l.index()))
}

/// A `queue_create` body: returns the queue its own call added.
pub fn queue_create<'a, T: Driver>(
    _dev: &'a DriverDevice<T>,
    queues: RxQueues<'a>,
) -> Result<NewRxQueue<'a>> {
    queues.add()
}

/// A peer registered, then paired with the registered primary; what
/// `newlink` returns.
pub fn newlink_body<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    dev: NewDevice<'a, T>,
    peer: NewDevice<'a, T, Peer>,
    params: &NewLinkParams<'a, T>,
    extack: &mut ExtAck,
) -> NewLinkDone<'a, T> {
    let peer = match prepare(rtnl, peer, params, extack) {
        Ok(p) => p,
        Err(e) => return dev.fail(e),
    };
    dev.register(rtnl, |dev| dev.pair(rtnl, peer))
}

fn prepare<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    peer: NewDevice<'a, T, Peer>,
    params: &NewLinkParams<'a, T>,
    extack: &mut ExtAck,
) -> Result<Registered<'a, T, Peer>> {
    let data: Attrs<'a> = params.data();
    if let Some(a) = data.get(1) {
        let info = PeerAttrs::parse(a, extack)?;
        let _ = info.ifi_index();
    }
    peer.register(rtnl)
}

/// Leases are looked at under the instance lock's proof.
pub fn lease(virt: &Locked<'_>) -> Result<u32> {
    Ok(virt.rx_lease(0)?.map_or(0, |l| l.index()))
}

/// A `get_link_net` body: reads under the atomic RTNL proof.
pub fn link_net<'a, T: Driver>(rtnl: &'a RtnlAtomic, dev: &'a DriverDevice<T>) -> &'a Net {
    dev.net(rtnl)
}

/// An `ndo_get_iflink` body: the peer under the adapter's RCU section.
pub fn iflink<T: Driver>(dev: &DriverDevice<T>, rcu: &RcuHeld) -> i32 {
    dev.peer(rcu).map_or(0, |p| p.ifindex())
}

/// A wakeup forwarded to the leased queue.
pub fn wakeup(queue: &XskWakeup<'_>) -> Result {
    queue.wakeup_lease(0)
}

/// A new device's TSO limits and address.
pub fn new_peer<T: LinkOps>(peer: &mut NewDevice<'_, T, Peer>, from: &Device) {
    peer.inherit_tso_max(from);
    peer.eth_hw_addr_random();
}

/// Vetted `priv_flags` and policy entries.
pub fn setup<T: Driver>(dev: &mut SetupDevice<T>) -> PolicyEntry {
    dev.add_priv_flags(PrivFlag::NoQueue.into());
    PolicyEntry::UNSPEC
}
