// SPDX-License-Identifier: GPL-2.0

//! An skb handed to `ndo_start_xmit` cannot be kept past the call (its
//! device pointer is only valid during it).

// expect: none
// expect-msg: lifetime may not live long enough

use kernel::net::skbuff::SkBuff;

/// Keeps the skb.
pub fn keep(skb: SkBuff<'_>) -> SkBuff<'static> {
    skb
}
