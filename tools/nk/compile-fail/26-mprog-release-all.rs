// SPDX-License-Identifier: GPL-2.0

//! Releasing a device's BPF programs is the abstraction's job in
//! `ndo_uninit`: a driver cannot release them early and leave the attach
//! point's bundle stale.

// expect: E0624
// expect-msg: method `release_all` is private

use kernel::net::{mprog::Mprog, rtnl::Rtnl};

/// Releases the programs while the device lives on.
pub fn release(m: &Mprog, rtnl: &Rtnl) {
    m.release_all(rtnl);
}
