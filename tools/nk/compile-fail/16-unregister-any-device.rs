// SPDX-License-Identifier: GPL-2.0

//! A driver cannot queue an arbitrary device for unregistration: only
//! `rtnl::dellink`, which unpairs first, queues devices.

// expect: E0624
// expect-msg: method `queue` is private

use kernel::net::{
    dev::Device,
    rtnl::{self, Rtnl},
};

/// Unregisters any device, skipping its `dellink`.
pub fn kill(rtnl: &mut Rtnl, dev: &Device) {
    rtnl::unregister_many(rtnl, |list| list.queue(dev));
}
