// SPDX-License-Identifier: GPL-2.0

//! Positive control: the correct use of what the other cases misuse. It must
//! compile; if it does not, the harness's command line is broken.

// expect: ok

use kernel::net::{
    dev::{Device, Driver, DriverDevice, RcuHeld},
    rtnl::{self, Rtnl},
    skbuff::{RxResult, SkBuff},
};
use kernel::prelude::*;

/// The RTNL token from its lock.
pub fn configure(dev: &Device) -> Result {
    let rtnl = Rtnl::lock();
    rtnl::configure_link(&rtnl, dev)
}

/// The skb is read before it is handed on, never after.
pub fn rx(skb: SkBuff) -> u32 {
    let len = skb.len();
    match skb.netif_rx() {
        RxResult::Success => len,
        RxResult::Dropped => 0,
    }
}

/// The RCU token from the core.
pub fn peer<'a, T: Driver>(dev: &'a DriverDevice<T>, rcu: &'a RcuHeld) -> Option<&'a Device> {
    T::get_peer_dev(dev, rcu)
}
