// SPDX-License-Identifier: GPL-2.0

//! A driver cannot keep a `net_device` past the context that lends it: a
//! reference count does not keep a device that was never registered, or
//! its namespace, alive.

// expect: E0277
// expect-msg: AlwaysRefCounted

use kernel::{net::dev::Device, sync::aref::ARef};

/// Keeps a device.
pub fn keep(dev: &Device) -> ARef<Device> {
    ARef::from(dev)
}
