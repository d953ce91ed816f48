// SPDX-License-Identifier: GPL-2.0

//! Forging the RTNL proof token: building `Rtnl` outside the kernel crate.

// expect: E0423
// expect-msg: private fields

use kernel::net::{
    dev::Device,
    rtnl::{self, Rtnl},
};
use kernel::types::NotThreadSafe;

pub fn unregister_unlocked(dev: &Device) {
    let rtnl = Rtnl(NotThreadSafe);
    rtnl::unregister(&rtnl, dev);
}
