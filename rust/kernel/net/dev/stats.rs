// SPDX-License-Identifier: GPL-2.0

//! Device statistics and transmit results.

use super::{
    Driver,
    DriverDevice, //
};
use crate::{
    bindings,
    net::skbuff::Freed,
    types::Opaque, //
};

/// Statistics for `ndo_get_stats64` (`struct rtnl_link_stats64`).
#[repr(transparent)]
pub struct Stats64(Opaque<bindings::rtnl_link_stats64>);

impl Stats64 {
    /// Sums the per-cpu software stats of `dev` (`dev_fetch_sw_netstats`).
    pub fn fetch_sw_netstats<T: Driver>(&mut self, dev: &DriverDevice<T>) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: `self` is valid and ours; the core allocated `dev->tstats`
        // at registration (`PCPU_STATS` is `Tstats`), and stats are only
        // asked of registered devices.
        unsafe {
            bindings::dev_fetch_sw_netstats(self.0.get(), (*dev.as_raw()).__bindgen_anon_2.tstats)
        }
    }

    /// Sets `tx_packets` and `tx_bytes` to the sums of the per-cpu lstats
    /// of `dev` (`dev_lstats_read`).
    pub fn lstats_read<T: Driver>(&mut self, dev: &DriverDevice<T>) {
        const {
            assert!(
                matches!(T::PCPU_STATS, PcpuStats::Lstats),
                "the driver's devices have no lstats"
            )
        };
        let s = self.0.get();
        // SAFETY: `self` is valid and ours; the core allocated `dev->lstats`
        // at registration (`PCPU_STATS` is `Lstats`), and stats are only
        // asked of registered devices.
        unsafe {
            bindings::dev_lstats_read(
                dev.as_raw(),
                &raw mut (*s).tx_packets,
                &raw mut (*s).tx_bytes,
            )
        }
    }

    fn raw(&mut self) -> &mut bindings::rtnl_link_stats64 {
        // SAFETY: `self` is valid and ours for the call (`ndo_get_stats64`
        // hands it over); plain data.
        unsafe { &mut *self.0.get() }
    }

    /// Sets `tx_dropped`.
    pub fn set_tx_dropped(&mut self, v: u64) {
        self.raw().tx_dropped = v;
    }

    /// Sets `rx_dropped`.
    pub fn set_rx_dropped(&mut self, v: u64) {
        self.raw().rx_dropped = v;
    }
}

/// The result of `ndo_start_xmit` for a driver that always consumes the skb.
///
/// "Dropped" needs the proof that the call's skb was freed: the caller may
/// send an skb it was told was dropped again (pktgen does), so it must not
/// live on in the stack.
pub enum TxStatus {
    /// `NET_XMIT_SUCCESS`.
    Success,
    /// `NET_XMIT_DROP`.
    Drop(Freed),
}

impl TxStatus {
    #[inline(always)]
    pub(super) fn to_raw(&self) -> bindings::netdev_tx_t {
        match self {
            TxStatus::Success => bindings::NET_XMIT_SUCCESS as bindings::netdev_tx_t,
            TxStatus::Drop(_) => bindings::NET_XMIT_DROP as bindings::netdev_tx_t,
        }
    }
}

/// Which per-cpu statistics the core allocates for a driver's devices
/// (`dev->pcpu_stat_type`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PcpuStats {
    /// None.
    None,
    /// `NETDEV_PCPU_STAT_LSTATS`: packet and byte counters of a device that
    /// counts one direction (`dev_lstats_add`).
    Lstats,
    /// `NETDEV_PCPU_STAT_TSTATS`: software rx/tx packet and byte counters.
    Tstats,
}

impl PcpuStats {
    pub(super) const fn is_tstats(self) -> bool {
        matches!(self, PcpuStats::Tstats)
    }

    pub(super) const fn stat_type(self) -> bindings::netdev_stat_type {
        match self {
            PcpuStats::None => bindings::netdev_stat_type_NETDEV_PCPU_STAT_NONE,
            PcpuStats::Lstats => bindings::netdev_stat_type_NETDEV_PCPU_STAT_LSTATS,
            PcpuStats::Tstats => bindings::netdev_stat_type_NETDEV_PCPU_STAT_TSTATS,
        }
    }
}
