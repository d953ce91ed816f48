// SPDX-License-Identifier: GPL-2.0

//! `ndo_bpf` commands the driver answers itself cannot be forwarded to a
//! physical device: pool setups of a driver with `xsk_pool_enable` are the
//! abstraction's to forward.

// expect: E0599
// expect-msg: no method named `lease` found for enum `BpfCommand`

use kernel::{
    net::{dev::BpfCommand, rtnl::Rtnl},
    prelude::*,
};

/// Forwards any `ndo_bpf` command to the leased queue.
pub fn forward(rtnl: &Rtnl, cmd: BpfCommand) -> Result {
    let lease = cmd.lease()?.ok_or(EOPNOTSUPP)?;
    let lock = lease.device().lock(rtnl);
    lease.setup_pool(rtnl, &lock)
}
