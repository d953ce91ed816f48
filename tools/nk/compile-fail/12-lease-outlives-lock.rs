// SPDX-License-Identifier: GPL-2.0

//! A queue lease seen under a device's instance lock cannot be used after
//! the lock is released.

// expect: E0597
// expect-msg: `lock` does not live long enough

use kernel::net::{dev::Device, rtnl::Rtnl};

/// Looks at queue 1's lease after dropping the lock.
pub fn phys_index(rtnl: &Rtnl, dev: &Device) -> u32 {
    let lease = {
        let lock = dev.lock(rtnl);
        lock.rx_lease(1).ok().flatten()
    };
    lease.map_or(0, |l| l.index())
}
