// SPDX-License-Identifier: GPL-2.0

//! `ndo_bpf`: AF_XDP pool setups forwarded to a leased queue.

use super::{
    Device,
    Driver,
    DriverDevice,
    Locked, //
};
use crate::{
    bindings,
    error::to_result,
    ffi::c_int,
    net::rtnl::Rtnl,
    prelude::*,
    sync::atomic::{
        atomic_load,
        Relaxed, //
    }, //
};
use core::ptr;

pub(crate) type XskBpfFn =
    unsafe extern "C" fn(*mut bindings::net_device, *mut bindings::netdev_bpf) -> c_int;
pub(crate) type XskWakeupFn = unsafe extern "C" fn(*mut bindings::net_device, u32, u32) -> c_int;

impl Device {
    /// The device's `ndo_bpf` and `ndo_xsk_wakeup` if it also implements
    /// `ndo_xdp_xmit`, as AF_XDP zero-copy needs.
    pub(crate) fn xsk_ops(&self) -> Option<(XskBpfFn, XskWakeupFn)> {
        // SAFETY: The device is valid; `netdev_ops` is set before
        // registration and points to a static table.
        let ops = unsafe { &*(*self.as_raw()).netdev_ops };
        match (ops.ndo_bpf, ops.ndo_xdp_xmit, ops.ndo_xsk_wakeup) {
            (Some(bpf), Some(_), Some(wakeup)) => Some((bpf, wakeup)),
            _ => None,
        }
    }

    /// Whether the device implements what AF_XDP zero-copy needs
    /// (`ndo_bpf`, `ndo_xdp_xmit`, `ndo_xsk_wakeup`).
    pub fn supports_xsk_zc(&self) -> bool {
        self.xsk_ops().is_some()
    }

    /// Whether `dev->xdp_features` has every AF_XDP zero-copy bit.
    pub fn xdp_features_xsk(&self) -> bool {
        let xsk = bindings::NETDEV_XDP_ACT_XSK;
        // SAFETY: The device is valid; the word is written with one store.
        unsafe { atomic_load(&raw mut (*self.as_raw()).xdp_features, Relaxed) & xsk == xsk }
    }
}

/// `ndo_bpf` of a driver with [`Driver::xsk_pool_enable`]: forwards AF_XDP
/// pool setups, refuses XDP programs (`EOPNOTSUPP`) and every other command
/// (`EINVAL`). Other commands are not the driver's to answer: some expect
/// ops or data in return (e.g. `BPF_OFFLOAD_MAP_ALLOC`), which an `Ok`
/// without them would leave NULL.
///
/// # Safety
///
/// `bpf` must be a valid command for `dev`, whose instance lock `locked`
/// proves, under RTNL (`rtnl`).
pub(super) unsafe fn ndo_bpf<T: Driver>(
    dev: &DriverDevice<T>,
    rtnl: &Rtnl,
    locked: &Locked<'_>,
    bpf: *const bindings::netdev_bpf,
) -> Result {
    // SAFETY: Valid per the caller.
    match unsafe { (*bpf).command } {
        // SAFETY: A valid pool setup for `dev`, per the caller.
        bindings::bpf_netdev_command_XDP_SETUP_XSK_POOL => unsafe {
            forward_xsk_pool(dev, rtnl, locked, bpf)
        },
        bindings::bpf_netdev_command_XDP_SETUP_PROG => Err(EOPNOTSUPP),
        _ => Err(EINVAL),
    }
}

/// Forwards the AF_XDP pool setup `bpf` of queue `queue_id` of `dev` to the
/// physical queue it leases (`ndo_bpf` of the physical device, with the
/// queue id changed) and returns that device's answer, so that AF_XDP's
/// state matches the physical driver's: every disable is forwarded, and an
/// enable only after `T::xsk_pool_enable` and the checks AF_XDP makes of a
/// device it calls (`xp_assign_dev`).
///
/// # Safety
///
/// `bpf` must be a valid `XDP_SETUP_XSK_POOL` command for `dev`, whose
/// instance lock `locked` proves, under RTNL (`rtnl`).
unsafe fn forward_xsk_pool<T: Driver>(
    dev: &DriverDevice<T>,
    rtnl: &Rtnl,
    locked: &Locked<'_>,
    bpf: *const bindings::netdev_bpf,
) -> Result {
    // SAFETY: A valid pool setup (the caller's promise); `xsk` is the union
    // member in use, plain data.
    let mut lower = unsafe { ptr::read(bpf) };
    // SAFETY: As above.
    let (queue_id, create) = unsafe {
        let xsk = &lower.__bindgen_anon_1.xsk;
        (xsk.queue_id, !xsk.pool.is_null())
    };
    if create {
        T::xsk_pool_enable(dev, rtnl, queue_id)?;
    }
    let lease = locked.rx_lease(u32::from(queue_id))?.ok_or(EOPNOTSUPP)?;
    let phys = lease.device();
    let (phys_bpf, _) = phys.xsk_ops().ok_or(EOPNOTSUPP)?;
    let phys_lock = phys.lock(rtnl);
    if create && !phys.xdp_features_xsk() {
        return Err(EOPNOTSUPP);
    }
    if create && phys_lock.min_mp_channel_count() != 0 {
        return Err(EBUSY);
    }
    lower.__bindgen_anon_1.xsk.queue_id = u16::try_from(lease.index()).map_err(|_| EINVAL)?;
    // SAFETY: `phys_bpf` is the physical device's `ndo_bpf`, called as
    // AF_XDP calls it: under RTNL and the device's instance lock
    // (`phys_lock`), after its checks, with a pool setup for the queue
    // that the command's own queue leases; its answer is `ndo_bpf`'s.
    to_result(unsafe { phys_bpf(phys.as_raw(), &mut lower) })
}
