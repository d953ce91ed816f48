// SPDX-License-Identifier: GPL-2.0

//! Forging the RTNL proof token: building `Rtnl` outside the kernel crate.

// expect: E0451
// expect-msg: field `_nts` of struct `Rtnl` is private

use kernel::net::{
    dev::DriverDevice,
    rtnl::{self, LinkOps, Rtnl},
};
use kernel::types::NotThreadSafe;

/// Deletes a device without RTNL.
pub fn delete_unlocked<T: LinkOps>(dev: &DriverDevice<T>) {
    let mut rtnl = Rtnl {
        _nts: NotThreadSafe,
        busy: core::ptr::null(),
    };
    rtnl::unregister_many(&mut rtnl, |list| rtnl::dellink(list, dev));
}
