// SPDX-License-Identifier: GPL-2.0

//! A driver cannot forward an AF_XDP pool setup itself: it could answer
//! other than the physical device did, skip a disable or forward to the
//! lease of another queue, and the physical driver would keep a pool AF_XDP
//! frees. The abstraction forwards it (`Driver::xsk_pool_enable`).

// expect: E0599
// expect-msg: no method named `setup_pool` found for struct `Lease`

use kernel::{
    net::{dev::Locked, rtnl::Rtnl},
    prelude::*,
};

/// Forwards a pool setup to a queue's lease, then reports failure.
pub fn forward(rtnl: &Rtnl, virt: &Locked<'_>, queue: u32) -> Result {
    let lease = virt.rx_lease(queue)?.ok_or(EOPNOTSUPP)?;
    let lock = lease.device().lock(rtnl);
    lease.setup_pool(rtnl, &lock)?;
    Err(EBUSY)
}
