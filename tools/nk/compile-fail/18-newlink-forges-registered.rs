// SPDX-License-Identifier: GPL-2.0

//! Only `NewDevice::register` makes the `Registered` value `newlink` must
//! return.

// expect: E0451
// expect-msg: private

use kernel::net::{
    dev::DriverDevice,
    rtnl::{LinkOps, Registered},
};

/// Claims a device is registered.
pub fn fake<'a, T: LinkOps>(dev: &'a DriverDevice<T>) -> Registered<'a, T> {
    Registered {
        dev,
        _p: core::marker::PhantomData,
    }
}
