// SPDX-License-Identifier: GPL-2.0

//! A peer seen in an RCU read section cannot be taken out of it.

// expect: none
// expect-msg: lifetime may not live long enough

use kernel::net::dev::{Driver, DriverDevice, RcuHeld};

/// Returns the peer after the section ends.
pub fn peer<T: Driver>(dev: &DriverDevice<T>) -> Option<&DriverDevice<T>> {
    RcuHeld::read_lock(|rcu| dev.peer(rcu))
}
