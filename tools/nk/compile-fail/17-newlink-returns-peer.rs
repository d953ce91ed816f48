// SPDX-License-Identifier: GPL-2.0

//! `newlink` must return the outcome of registering the device the core
//! passed: a registered peer does not do.

// expect: E0308
// expect-msg: mismatched types

use kernel::{
    net::rtnl::{LinkOps, NewDevice, NewLinkDone, Peer, Rtnl},
    prelude::*,
};

/// A `newlink` body that registers only a peer.
pub fn newlink_body<'a, T: LinkOps>(
    rtnl: &'a Rtnl,
    peer: NewDevice<'a, T, Peer>,
) -> NewLinkDone<'a, T> {
    peer.register(rtnl)
}
