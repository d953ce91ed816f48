// SPDX-License-Identifier: GPL-2.0

//! A driver cannot queue an arbitrary device for unregistration, nor batch
//! its own devices at will: only the core's `dellink` and
//! `rtnl::dellink_leasees` delete devices.

// expect: E0425
// expect-msg: cannot find function `unregister_many` in module `rtnl`

use kernel::net::{
    dev::Device,
    rtnl::{self, Rtnl},
};

/// Unregisters any device, skipping its `dellink`.
pub fn kill(rtnl: &mut Rtnl, dev: &Device) {
    rtnl::unregister_many(rtnl, |list| list.queue(dev));
}
