// SPDX-License-Identifier: GPL-2.0

//! `skb_do_redirect` reads the task's `bpf_net_context`: it needs the
//! context token that proves one is installed, not just the xmit context.

// expect: E0308
// expect-msg: mismatched types

use kernel::net::skbuff::{SkBuff, TxContext};

/// Redirects without a `bpf_net_context`.
pub fn redirect(skb: SkBuff<'_>, ctx: &TxContext) {
    skb.do_redirect(ctx);
}
