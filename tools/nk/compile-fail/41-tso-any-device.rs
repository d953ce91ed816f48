// SPDX-License-Identifier: GPL-2.0

//! TSO limits and random addresses are set on new devices only, not
//! written unlocked on any live device.

// expect: E0599
// expect-msg: no method named `inherit_tso_max`

use kernel::net::dev::Device;

/// Changes a live device's TSO limits.
pub fn copy(to: &Device, from: &Device) {
    to.inherit_tso_max(from);
}
