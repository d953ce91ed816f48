// SPDX-License-Identifier: GPL-2.0

//! Only a registered peer can be paired: an unregistered one, whose
//! unregistration would skip `dellink`, is refused.

// expect: E0308
// expect-msg: mismatched types

use kernel::net::rtnl::{LinkOps, NewDevice, Peer, Registered, Rtnl};

/// Pairs a peer that was never registered.
pub fn pair_unregistered<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    dev: &Registered<'a, T>,
    peer: NewDevice<'a, T, Peer>,
) {
    dev.pair(rtnl, peer);
}
