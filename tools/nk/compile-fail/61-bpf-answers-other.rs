// SPDX-License-Identifier: GPL-2.0

//! A driver does not answer `ndo_bpf` commands itself (`Driver` has no
//! `bpf`): an `Ok` to one that expects ops in return (e.g.
//! `BPF_OFFLOAD_MAP_ALLOC`) would leave the core calling a NULL op. The
//! abstraction forwards pool setups and refuses the rest.

// expect: E0599
// expect-msg: no function or associated item named `bpf` found

use kernel::{
    net::{dev::Driver, dev::DriverDevice, rtnl::Rtnl},
    prelude::*,
};

/// A driver's answer to any `ndo_bpf` command.
pub fn answer<T: Driver>(dev: &DriverDevice<T>, rtnl: &Rtnl) -> Result {
    T::bpf(dev, rtnl)
}
