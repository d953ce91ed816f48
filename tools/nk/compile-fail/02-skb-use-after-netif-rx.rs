// SPDX-License-Identifier: GPL-2.0

//! Using an `SkBuff` after `netif_rx()` consumed it.

// expect: E0382
// expect-msg: borrow of moved value: `skb`

use kernel::net::skbuff::{SkBuff, TxContext};

/// Reads the length of an skb already handed on.
pub fn rx(skb: SkBuff<'_>, ctx: &TxContext) -> u32 {
    let _ = skb.netif_rx(ctx);
    skb.len()
}
