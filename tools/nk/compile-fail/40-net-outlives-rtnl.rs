// SPDX-License-Identifier: GPL-2.0

//! A device's namespace is seen under RTNL, which keeps the device in it:
//! the reference cannot outlive the lock (the device may move, the
//! namespace go away).

// expect: E0515
// expect-msg: cannot return value referencing local variable `rtnl`

use kernel::net::{
    dev::Device,
    rtnl::{Net, Rtnl},
};

/// Keeps the namespace past RTNL.
pub fn net_of(dev: &Device) -> &Net {
    // SAFETY: A caller that may sleep and holds no lock.
    let rtnl = unsafe { Rtnl::lock() };
    dev.net(&*rtnl)
}
