// SPDX-License-Identifier: GPL-2.0

//! A peer is paired once: pairing consumes it.

// expect: E0382
// expect-msg: use of moved value: `peer`

use kernel::net::rtnl::{LinkOps, Peer, Registered, Rtnl};

/// Pairs the same peer twice.
pub fn pair_twice<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    dev: &Registered<'a, T>,
    peer: Registered<'a, T, Peer>,
) {
    dev.pair(rtnl, peer);
    dev.pair(rtnl, peer);
}
