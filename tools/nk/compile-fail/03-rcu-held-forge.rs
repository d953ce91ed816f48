// SPDX-License-Identifier: GPL-2.0

//! Forging the RCU read-side proof token: calling the private
//! `RcuHeld::assume()`.

// expect: E0624
// expect-msg: associated function `assume` is private

use kernel::net::dev::{Driver, DriverDevice, RcuHeld};

pub fn peer<T: Driver>(dev: &DriverDevice<T>) -> Option<&DriverDevice<T>> {
    // SAFETY: None: no RCU read-side critical section is held.
    let rcu = unsafe { RcuHeld::assume() };
    T::get_peer_dev(dev, rcu)
}
