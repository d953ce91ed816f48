// SPDX-License-Identifier: GPL-2.0

//! The instance-lock proof only unlocks operations on its own device: a
//! lock taken on one device cannot be passed to an operation on another.

// expect: E0599
// expect-msg: no method named `set_real_num_rx_queues`

use kernel::{
    net::{dev::Device, rtnl::Rtnl},
    prelude::*,
};

/// Grows `b` under `a`'s lock.
pub fn grow(rtnl: &Rtnl, a: &Device, b: &Device) -> Result {
    let lock = a.lock(rtnl);
    b.set_real_num_rx_queues(&lock, 2)
}
