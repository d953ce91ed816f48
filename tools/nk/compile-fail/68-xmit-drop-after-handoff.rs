// SPDX-License-Identifier: GPL-2.0

//! A transmit that handed its skb on cannot say it dropped it: the caller
//! may send a "dropped" skb again (pktgen does) while the stack still has
//! it. `TxStatus::Drop` needs the proof that the call's skb was freed,
//! which only freeing makes.

// expect: E0423
// expect-msg: cannot initialize a tuple struct which contains private fields

use kernel::net::{
    dev::{Driver, DriverDevice, TxStatus},
    skbuff::{Freed, SkBuff, TxContext},
};

/// Hands the skb to the stack, then reports it dropped.
pub fn xmit<'a, T: Driver>(
    skb: SkBuff<'a>,
    _dev: &'a DriverDevice<T>,
    ctx: &'a TxContext,
) -> TxStatus {
    let _ = skb.netif_rx(ctx);
    TxStatus::Drop(Freed(Default::default()))
}
