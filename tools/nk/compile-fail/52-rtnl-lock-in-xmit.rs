// SPDX-License-Identifier: GPL-2.0

//! RTNL is a mutex: safe code cannot take it, e.g. in `ndo_start_xmit`'s
//! atomic, RCU-protected section; it gets RTNL from the callbacks the core
//! runs under it.

// expect: E0133
// expect-msg: call to unsafe function `Rtnl::lock` is unsafe

use kernel::net::{
    dev::{Driver, DriverDevice, TxStatus},
    rtnl::Rtnl,
    skbuff::{DropReason, SkBuff, TxContext},
};

/// A `start_xmit` body that sleeps while holding a peer seen under RCU.
pub fn xmit<'a, T: Driver>(
    skb: SkBuff<'a>,
    dev: &'a DriverDevice<T>,
    ctx: &'a TxContext,
) -> TxStatus {
    let peer = dev.peer(ctx);
    let rtnl = Rtnl::lock();
    let _ = peer.map(|p| p.net(&*rtnl));
    skb.drop_reason(ctx, DropReason::NotSpecified);
    TxStatus::Success
}
