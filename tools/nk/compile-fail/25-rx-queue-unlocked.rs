// SPDX-License-Identifier: GPL-2.0

//! A queue's lease is only looked at under an instance lock: the raw queue
//! accessor is not public.

// expect: E0624
// expect-msg: method `rx_queue` is private

use kernel::net::dev::Device;

/// Reads queue 1 without a lock.
pub fn peek(dev: &Device) -> bool {
    dev.rx_queue(1).is_some()
}
