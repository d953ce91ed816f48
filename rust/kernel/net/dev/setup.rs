// SPDX-License-Identifier: GPL-2.0

//! Setting up a device of a driver while it is allocated.

use super::{
    Driver,
    DriverDevice,
    SetupDevice, //
};
use crate::bindings;

/// Sets up a device being allocated by `alloc_netdev_mqs` for driver `T`.
///
/// # Safety
///
/// `dev` must be a device being allocated with room for a `T::Priv` as its
/// private area.
pub(crate) unsafe fn setup<T: Driver>(dev: *mut bindings::net_device) {
    // SAFETY: The private area is `size_of::<T::Priv>()` bytes at an address
    // aligned to `NETDEV_ALIGN`, which covers `T::Priv`'s alignment
    // (`priv_size`); it is not initialised yet and never moves.
    unsafe { ::pin_init::raw_init(DriverDevice::<T>::data_ptr(dev), T::priv_init()) };
    let ops = T::statics().ops();
    // SAFETY: During allocation only the caller sees the device; the tables
    // are `T`'s statics.
    unsafe {
        let raw = &mut *dev;
        raw.netdev_ops = &ops.ndo;
        if T::HAS_QUEUE_CREATE {
            raw.queue_mgmt_ops = &ops.qops;
        }
        // The `bpf` adapter's instance-lock proof: the core takes the lock
        // around every op of a device that asks (`netdev_need_ops_lock`).
        if T::HAS_XSK_POOL_ENABLE {
            raw.request_ops_lock = true;
        }
        if T::HAS_GET_DRVINFO || T::ETHTOOL_OP_GET_TS_INFO {
            raw.ethtool_ops = &ops.eops;
        }
        raw.needs_free_netdev = true;
        raw.set_pcpu_stat_type(T::PCPU_STATS.stat_type());
    }
    // SAFETY: During allocation only the caller sees the device;
    // `SetupDevice` is transparent over `Device`.
    let sdev = unsafe { &mut *dev.cast::<SetupDevice<T>>() };
    T::setup(sdev);
    // Netpoll would call `ndo_start_xmit` with IRQs off, which `TxContext`
    // does not cover; `SkBuff` owns the skbs `start_xmit` is handed.
    let sharing = if T::HAS_START_XMIT_SHARED {
        0
    } else {
        bindings::netdev_priv_flags_IFF_TX_SKB_SHARING as usize
    };
    sdev.change_priv_flags(
        bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL as usize,
        sharing,
    );
}
