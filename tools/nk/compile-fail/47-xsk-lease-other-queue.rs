// SPDX-License-Identifier: GPL-2.0

//! A pool setup for a virtual queue is forwarded to the physical queue that
//! queue leases, not to the lease of another queue (enable and disable
//! could then reach different physical queues).

// expect: E0599
// expect-msg: no method named `setup_pool` found for struct `Lease`

use kernel::{
    net::{
        dev::{Locked, XskPoolSetup},
        rtnl::Rtnl,
    },
    prelude::*,
};

/// Forwards a pool setup to the next queue's lease.
pub fn forward(rtnl: &Rtnl, virt: &Locked<'_>, setup: XskPoolSetup<'_>) -> Result {
    let lease = virt
        .rx_lease(u32::from(setup.queue_id()) + 1)?
        .ok_or(EOPNOTSUPP)?;
    let lock = lease.device().lock(rtnl);
    lease.setup_pool(rtnl, &lock)
}
