// SPDX-License-Identifier: GPL-2.0

//! `newlink` must return the device the core passed, registered: a
//! registered peer does not do.

// expect: E0308
// expect-msg: mismatched types

use kernel::{
    net::rtnl::{LinkOps, NewDevice, Peer, Registered, Rtnl},
    prelude::*,
};

/// A `newlink` body that registers only a peer.
pub fn newlink_body<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    peer: NewDevice<'a, T, Peer>,
) -> Result<Registered<'a, T>> {
    peer.register(rtnl)
}
