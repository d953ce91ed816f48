// SPDX-License-Identifier: GPL-2.0

//! A driver cannot read its private data through a `PrivField` it made: for
//! a field of a union, that would read bytes another member initialised.

// expect: E0624
// expect-msg: method `get` is private

use kernel::net::dev::{Driver, DriverDevice, PrivField};

/// Reads a `u32` at the field's offset.
pub fn read<T: Driver>(dev: &DriverDevice<T>, field: PrivField<T, u32>) -> u32 {
    *field.get(dev.data())
}
