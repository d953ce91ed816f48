// SPDX-License-Identifier: GPL-2.0

//! `get_link_net` runs under RTNL but inside `rcu_read_lock()`: its proof
//! of RTNL does not allow sleeping, e.g. taking the instance lock.

// expect: E0308
// expect-msg: mismatched types

use kernel::net::{
    dev::{Driver, DriverDevice},
    rtnl::{Net, RtnlAtomic},
};

/// A `get_link_net` body that sleeps.
pub fn get_link_net<'a, T: Driver>(rtnl: &'a RtnlAtomic, dev: &'a DriverDevice<T>) -> &'a Net {
    let _lock = dev.lock(rtnl);
    dev.net(rtnl)
}
