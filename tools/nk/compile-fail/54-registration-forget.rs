// SPDX-License-Identifier: GPL-2.0

//! A link type's registration cannot be made, and then leaked, by safe
//! code: after rmmod the core's list would point into freed module memory.
//! `module_net_driver!` keeps it in the module.

// expect: E0133
// expect-msg: call to unsafe function `kernel::net::rtnl::Registration::<T>::register` is unsafe

use kernel::{
    net::rtnl::{LinkOps, Registration},
    prelude::*,
};

/// Registers `T` for good.
pub fn register_forever<T: LinkOps>() -> Result {
    core::mem::forget(Registration::<T>::register()?);
    Ok(())
}
