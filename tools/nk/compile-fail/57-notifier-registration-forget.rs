// SPDX-License-Identifier: GPL-2.0

//! A notifier's registration cannot be made, and then leaked, by safe
//! code: after rmmod the chain would call into freed module memory.
//! `module_net_driver!` keeps it in the module.

// expect: E0133
// expect-msg: call to unsafe function `kernel::net::notifier::Registration::<T>::register` is unsafe

use kernel::{
    net::notifier::{HasBlock, Registration},
    prelude::*,
};

/// Registers `T` for good.
pub fn register_forever<T: HasBlock>() -> Result {
    core::mem::forget(Registration::<T>::register()?);
    Ok(())
}
