// SPDX-License-Identifier: GPL-2.0

//! `skb->dev` can only be set to a device that lives as long as the skb is
//! held: not to one seen under a shorter RCU section.

// expect: E0521
// expect-msg: borrowed data escapes outside of closure

use kernel::net::{
    dev::{Driver, DriverDevice, RcuHeld},
    skbuff::SkBuff,
};

/// Sets the skb's device to a peer seen under a local RCU section.
pub fn to_peer<'a, T: Driver>(skb: &mut SkBuff<'a>, dev: &'a DriverDevice<T>) {
    RcuHeld::read_lock(|rcu| {
        if let Some(peer) = dev.peer(rcu) {
            skb.set_dev(peer);
        }
    });
}
