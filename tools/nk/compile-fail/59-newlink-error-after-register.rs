// SPDX-License-Identifier: GPL-2.0

//! `newlink` cannot fail once it registered the device the core passed (the
//! core would free a registered device): registering consumes the device,
//! and failing needs it.

// expect: E0382
// expect-msg: use of moved value: `dev`

use kernel::{
    net::rtnl::{LinkOps, NewDevice, NewLinkDone, Rtnl},
    prelude::*,
};

/// Registers the device, then fails.
pub fn newlink_body<'a, T: LinkOps>(rtnl: &'a Rtnl, dev: NewDevice<'a, T>) -> NewLinkDone<'a, T> {
    let _done = dev.register(rtnl, |_| {});
    dev.fail(EINVAL)
}
