// SPDX-License-Identifier: GPL-2.0

//! `skb->dev` can only be set to a device that lives as long as the skb is
//! held: not to one seen under a shorter RCU section.

// expect: E0597
// expect-msg: `rcu` does not live long enough

use kernel::{
    net::{
        dev::{Driver, DriverDevice},
        skbuff::SkBuff,
    },
    sync::rcu,
};

/// Sets the skb's device to a peer seen under a local RCU guard.
pub fn to_peer<'a, T: Driver>(skb: &mut SkBuff<'a>, dev: &'a DriverDevice<T>) {
    let rcu = rcu::read_lock();
    if let Some(peer) = dev.peer(&rcu) {
        skb.set_dev(peer);
    }
}
