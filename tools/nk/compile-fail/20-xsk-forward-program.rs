// SPDX-License-Identifier: GPL-2.0

//! Only AF_XDP pool setups can be forwarded to a physical device's
//! `ndo_bpf`, not XDP program setups or other commands.

// expect: E0308
// expect-msg: mismatched types

use kernel::{
    net::{
        dev::{BpfCommand, Locked},
        rtnl::Rtnl,
    },
    prelude::*,
};

/// Forwards any `ndo_bpf` command to the leased queue.
pub fn forward(rtnl: &Rtnl, virt: &Locked<'_>, cmd: BpfCommand<'_>) -> Result {
    let lease = virt.rx_lease(1)?.ok_or(EOPNOTSUPP)?;
    let lock = lease.device().lock();
    lease.setup_xsk_pool(rtnl, &lock, &cmd)
}
