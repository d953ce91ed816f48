// SPDX-License-Identifier: GPL-2.0

//! Only AF_XDP pool setups can be forwarded to a physical device's
//! `ndo_bpf`, not XDP program setups or other commands.

// expect: E0308
// expect-msg: mismatched types

use kernel::{
    net::{
        dev::{BpfCommand, Device},
        rtnl::Rtnl,
    },
    prelude::*,
};

/// Forwards any `ndo_bpf` command.
pub fn forward(rtnl: &Rtnl, phys: &Device, cmd: BpfCommand<'_>) -> Result {
    let xsk = phys.xsk_ops().ok_or(EINVAL)?;
    let lock = phys.lock();
    xsk.setup_pool(rtnl, &lock, &cmd, 0)
}
