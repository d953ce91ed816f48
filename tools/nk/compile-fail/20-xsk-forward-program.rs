// SPDX-License-Identifier: GPL-2.0

//! Only AF_XDP pool setups can be forwarded to a physical device's
//! `ndo_bpf`, not XDP program setups or other commands.

// expect: E0599
// expect-msg: no method named `lease` found for enum `BpfCommand`

use kernel::{
    net::{dev::BpfCommand, rtnl::Rtnl},
    prelude::*,
};

/// Forwards any `ndo_bpf` command to the leased queue.
pub fn forward(rtnl: &Rtnl, cmd: BpfCommand<'_>) -> Result {
    let lease = cmd.lease()?.ok_or(EOPNOTSUPP)?;
    let lock = lease.device().lock(rtnl);
    lease.setup_pool(rtnl, &lock)
}
