// SPDX-License-Identifier: GPL-2.0

//! Parsed peer attributes point into the request: they cannot outlive it.

// expect: none
// expect-msg: lifetime may not live long enough

use kernel::net::rtnl::{Attrs, ExtAck, PeerAttrs};

/// Keeps the peer's attributes past the request.
pub fn keep<'a>(data: Attrs<'a>, extack: &mut ExtAck) -> Option<PeerAttrs<'static>> {
    PeerAttrs::parse(data.get(1)?, extack).ok()
}
