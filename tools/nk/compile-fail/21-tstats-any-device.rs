// SPDX-License-Identifier: GPL-2.0

//! Per-cpu tstats can only be counted on a device of the calling driver,
//! not on any device (whose per-cpu pointer may be another kind, or NULL).

// expect: E0599
// expect-msg: no method named `sw_netstats_rx_add`

use kernel::net::{dev::Device, skbuff::TxContext};

/// Counts a packet on some device.
pub fn count(dev: &Device, ctx: &TxContext) {
    dev.sw_netstats_rx_add(ctx, 64);
}
