// SPDX-License-Identifier: GPL-2.0

//! `skb->dev` can only be set to a device that lives as long as the skb is
//! held: not to one seen under a shorter RCU section.

// expect: none
// expect-msg: lifetime may not live long enough

use kernel::net::{
    dev::{Driver, DriverDevice, RcuHeld},
    skbuff::SkBuff,
};

/// Sets the skb's device to a peer seen under a shorter RCU section.
pub fn to_peer<'a, 'b, T: Driver>(
    skb: &mut SkBuff<'a>,
    dev: &'a DriverDevice<T>,
    rcu: &'b RcuHeld,
) {
    if let Some(peer) = dev.peer(rcu) {
        skb.set_dev(peer);
    }
}
