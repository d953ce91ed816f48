// SPDX-License-Identifier: GPL-2.0

//! An RCU proof cannot come from an owned guard, which safe code can leak
//! to get a `'static` peer usable after the read section ends.

// expect: E0277
// expect-msg: the trait bound `kernel::sync::rcu::Guard: RcuRead` is not satisfied

use kernel::{
    net::dev::{Driver, DriverDevice},
    prelude::*,
    sync::rcu,
};

/// A peer that outlives its read section.
pub fn forever<T: Driver>(dev: &DriverDevice<T>) -> Result<Option<&'static DriverDevice<T>>> {
    let guard: &'static rcu::Guard = KBox::leak(KBox::new(rcu::read_lock(), GFP_KERNEL)?);
    Ok(dev.peer(guard))
}
