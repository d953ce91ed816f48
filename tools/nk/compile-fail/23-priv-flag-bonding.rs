// SPDX-License-Identifier: GPL-2.0

//! A driver cannot set `priv_flags` bits by which other subsystems take its
//! private data for theirs (`IFF_BONDING`, `IFF_EBRIDGE`, ...).

// expect: E0599
// expect-msg: no variant or associated item named `Bonding`

use kernel::net::dev::{Driver, PrivFlag, SetupDevice};

/// Marks a device as a bond.
pub fn setup<T: Driver>(dev: &mut SetupDevice<T>) {
    dev.add_priv_flags(PrivFlag::Bonding.into());
}
