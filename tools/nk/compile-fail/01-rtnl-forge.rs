// SPDX-License-Identifier: GPL-2.0

//! Forging the RTNL proof token: building `Rtnl` outside the kernel crate.

// expect: E0423
// expect-msg: private fields

use kernel::net::{
    dev::DriverDevice,
    rtnl::{self, LinkOps, Rtnl},
};
use kernel::types::NotThreadSafe;

/// Deletes a device without RTNL.
pub fn delete_unlocked<T: LinkOps>(dev: &DriverDevice<T>) {
    let mut rtnl = Rtnl(NotThreadSafe);
    rtnl::unregister_many(&mut rtnl, |list| rtnl::dellink(list, dev));
}
