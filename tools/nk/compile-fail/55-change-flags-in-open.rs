// SPDX-License-Identifier: GPL-2.0

//! A device's own `ndo_open`/`ndo_stop` cannot change its flags (which
//! would call them again, or take the instance lock the core holds):
//! only `newlink` can, on the devices it registered.

// expect: E0599
// expect-msg: no method named `change_flags` found

use kernel::{
    net::{
        dev::{Driver, DriverDevice},
        rtnl::Rtnl,
    },
    prelude::*,
};

/// An `ndo_open` body that brings the device up again.
pub fn open<T: Driver>(dev: &DriverDevice<T>, rtnl: &Rtnl) -> Result {
    dev.change_flags(rtnl, dev.flags())
}
