// SPDX-License-Identifier: GPL-2.0

//! `newlink` cannot queue a device for unregistration (and then pair it,
//! leaving the other side's peer pointer dangling): its RTNL token is
//! shared, and unregistering needs the exclusive one.

// expect: E0308
// expect-msg: types differ in mutability

use kernel::net::rtnl::{self, LinkOps, Peer, Registered, Rtnl};

/// Queues the peer, then pairs it.
pub fn pair_queued<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    dev: &Registered<'a, T>,
    peer: Registered<'a, T, Peer>,
) {
    rtnl::dellink_leasees::<T>(rtnl, &peer);
    dev.pair(rtnl, peer);
}
