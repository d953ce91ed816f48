// SPDX-License-Identifier: GPL-2.0

//! `queue_create` returns the queue `RxQueues::add` activated, not an
//! index of the driver's choosing (which the core would lease again).

// expect: E0423

use kernel::net::dev::NewRxQueue;

/// Claims queue 0 was created.
pub fn forge() -> NewRxQueue<'static> {
    NewRxQueue(0, core::marker::PhantomData)
}
