// SPDX-License-Identifier: GPL-2.0

//! A driver cannot open an RCU read-side section of its own where it holds
//! the proof that it may sleep (`Rtnl`): it gets RCU sections only from
//! callbacks that run in one and prove nothing else.

// expect: E0599
// expect-msg: no function or associated item named `read_lock` found

use kernel::net::{
    dev::{Driver, DriverDevice, RcuHeld},
    rtnl::Rtnl,
};

/// An `ndo_open` body that sleeps with a peer seen under RCU.
pub fn open<T: Driver>(dev: &DriverDevice<T>, rtnl: &Rtnl) {
    RcuHeld::read_lock(|rcu| {
        let peer = dev.peer(rcu);
        let _lock = dev.lock(rtnl);
        let _ = peer.map(|p| p.ifindex());
    });
}
