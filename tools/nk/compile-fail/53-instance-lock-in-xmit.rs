// SPDX-License-Identifier: GPL-2.0

//! The instance lock is a mutex: taking it needs the RTNL proof (a context
//! that may sleep), which `ndo_start_xmit` does not get.

// expect: E0061
// expect-msg: this method takes 1 argument but 0 arguments were supplied

use kernel::net::{
    dev::{Driver, DriverDevice, TxStatus},
    skbuff::{DropReason, SkBuff, TxContext},
};

/// A `start_xmit` body that sleeps.
pub fn xmit<'a, T: Driver>(
    skb: SkBuff<'a>,
    dev: &'a DriverDevice<T>,
    ctx: &'a TxContext,
) -> TxStatus {
    let _lock = dev.lock();
    skb.drop_reason(ctx, DropReason::NotSpecified);
    TxStatus::Success
}
