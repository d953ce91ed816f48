// SPDX-License-Identifier: GPL-2.0

//! Forging the RTNL proof token: building `Rtnl` outside the kernel crate.

// expect: E0451
// expect-msg: field `_nts` of struct `Rtnl` is private

use kernel::net::{
    dev::Device,
    rtnl::{self, LinkOps, Rtnl},
};
use kernel::types::NotThreadSafe;

/// Deletes devices without RTNL.
pub fn delete_unlocked<T: LinkOps>(dev: &Device) {
    let mut rtnl = Rtnl {
        _nts: NotThreadSafe,
        busy: core::ptr::null(),
    };
    rtnl::dellink_leasees::<T>(&mut rtnl, dev);
}
