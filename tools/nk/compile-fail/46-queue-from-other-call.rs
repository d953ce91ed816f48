// SPDX-License-Identifier: GPL-2.0

//! `queue_create` returns the queue its own call added, not one another
//! call (of another device, its peer) made.

// expect: none
// expect-msg: lifetime may not live long enough

use kernel::{
    net::dev::{NewRxQueue, RxQueues},
    prelude::*,
};

/// Returns a queue made in another `queue_create` call.
pub fn create<'a, 'b>(_own: RxQueues<'a>, other: RxQueues<'b>) -> Result<NewRxQueue<'a>> {
    other.add()
}
