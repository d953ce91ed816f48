// SPDX-License-Identifier: GPL-2.0

//! Attribute tables come from the core with their length: a driver cannot
//! wrap a pointer with a length of its choosing.

// expect: E0624
// expect-msg: associated function `from_raw` is private

use kernel::{bindings, net::rtnl::Attrs};

/// Wraps a table with a made-up length.
pub fn forge(tb: *const *mut bindings::nlattr) -> bool {
    // SAFETY: None; the case shows the call is refused.
    unsafe { Attrs::from_raw(tb, 4096) }.is_none()
}
