// SPDX-License-Identifier: GPL-2.0

//! A driver cannot make an instance-lock proof without taking the lock.

// expect: E0624
// expect-msg: associated function `assume_held` is private

use kernel::net::dev::{Device, Locked};

/// Claims the lock of `dev` without taking it.
pub fn forge(dev: &Device) -> u32 {
    // SAFETY: None; the case shows the call is refused.
    let locked = unsafe { Locked::assume_held(dev) };
    locked.min_mp_channel_count()
}
