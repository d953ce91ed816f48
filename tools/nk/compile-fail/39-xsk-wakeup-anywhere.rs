// SPDX-License-Identifier: GPL-2.0

//! Another device's `ndo_xsk_wakeup` is only called for a bound socket's
//! leased queue, from `ndo_xsk_wakeup`: a driver cannot call it from any
//! context.

// expect: E0624
// expect-msg: method `xsk_ops` is private

use kernel::net::dev::Device;

/// Wakes queue 0 of any device.
pub fn wake(dev: &Device) -> bool {
    dev.xsk_ops().is_some()
}
