// SPDX-License-Identifier: GPL-2.0

//! Devices of one driver: private data, and what `setup` may change.

use super::{
    Device,
    Driver,
    Features,
    Flag,
    Flags,
    Invariant,
    PcpuStats,
    PrivFlags,
    SockAddr, //
};
use crate::{
    bindings,
    error::to_result,
    net::{
        rtnl::Rtnl,
        skbuff::TxContext, //
    },
    prelude::*,
    sync::atomic::{
        atomic_store,
        Relaxed, //
    }, //
};

/// A net_device of driver `T`, with access to its private data.
///
/// # Invariants
///
/// The device was set up by `T` (its `netdev_ops` is `T`'s table), so its
/// private area holds a `T::Priv` initialised by the setup adapter.
#[repr(transparent)]
pub struct DriverDevice<T: Driver>(Device, Invariant<T>);

impl<T: Driver> core::ops::Deref for DriverDevice<T> {
    type Target = Device;

    #[inline]
    fn deref(&self) -> &Device {
        &self.0
    }
}

impl<T: Driver> DriverDevice<T> {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid device set up by `T`, valid for `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: Transparent wrapper; the caller guarantees the invariants.
        // INVARIANT: A device of `T`, valid for `'a`, per the caller.
        unsafe { &*ptr.cast() }
    }

    /// Returns the driver's private data (pinned in the device allocation).
    #[inline(always)]
    pub fn data(&self) -> &T::Priv {
        // SAFETY: By the type invariant the private area holds an initialised
        // `T::Priv`; it lives inside the net_device allocation and never
        // moves.
        unsafe { &*Self::data_ptr(self.as_raw()) }
    }

    /// The private data of device `dev` of `T`, as a raw pointer.
    #[inline(always)]
    pub(crate) fn data_ptr(dev: *mut bindings::net_device) -> *mut T::Priv {
        // SAFETY: Pointer arithmetic within the device allocation; nothing
        // is read.
        unsafe { bindings::netdev_priv(dev).cast() }
    }

    /// Signals carrier on (`netif_carrier_on`).
    pub fn carrier_on(&self) {
        self.set_carrier(true);
    }

    /// Signals carrier off (`netif_carrier_off`).
    pub fn carrier_off(&self) {
        self.set_carrier(false);
    }

    #[inline]
    fn set_carrier(&self, on: bool) {
        // SAFETY: The device is valid; the functions take their own locks.
        unsafe {
            if on {
                bindings::netif_carrier_on(self.as_raw())
            } else {
                bindings::netif_carrier_off(self.as_raw())
            }
        }
    }

    /// Sets the MAC address from a `struct sockaddr` (`eth_mac_addr`), as
    /// the device's own `ndo_set_mac_address` (whose address argument is
    /// the only `SockAddr`) does.
    pub fn eth_mac_addr(&self, _rtnl: &Rtnl, addr: &SockAddr) -> Result {
        // SAFETY: The device is valid, RTNL serialises address changes;
        // `addr` is a valid `struct sockaddr` with `sa_data` in bounds.
        to_result(unsafe { bindings::eth_mac_addr(self.as_raw(), addr.0.get().cast()) })
    }

    /// Sets `dev->needed_headroom`.
    #[inline]
    pub fn set_needed_headroom(&self, headroom: u16) {
        self.set_room_hint(false, headroom);
    }

    /// Sets `dev->needed_tailroom`.
    #[inline]
    pub fn set_needed_tailroom(&self, tailroom: u16) {
        self.set_room_hint(true, tailroom);
    }

    #[inline(always)]
    fn set_room_hint(&self, tail: bool, v: u16) {
        let d = self.as_raw();
        // SAFETY: The device is valid; the core reads these hints once,
        // without locks, so they are written with one store (`WRITE_ONCE`);
        // `i16` has the size and alignment of the `u16`.
        unsafe {
            let p = if tail {
                &raw mut (*d).needed_tailroom
            } else {
                &raw mut (*d).needed_headroom
            };
            atomic_store(p.cast::<i16>(), v as i16, Relaxed)
        }
    }

    /// Adds one transmitted packet to the per-cpu stats (`dev_sw_netstats_tx_add`).
    #[inline(always)]
    pub fn sw_netstats_tx_add(&self, _ctx: &TxContext, packets: u32, len: u32) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: The device is registered (it transmits) with per-cpu tstats
        // (`PCPU_STATS`); BH is disabled (`_ctx`), as the u64_stats writer
        // side requires.
        unsafe { bindings::dev_sw_netstats_tx_add(self.as_raw(), packets, len) }
    }

    /// Adds one packet of `len` bytes to the per-cpu lstats (`dev_lstats_add`).
    #[inline(always)]
    pub fn lstats_add(&self, _ctx: &TxContext, len: u32) {
        const {
            assert!(
                matches!(T::PCPU_STATS, PcpuStats::Lstats),
                "the driver's devices have no lstats"
            )
        };
        // SAFETY: The device is registered (it transmits) with per-cpu
        // lstats (`PCPU_STATS`); BH is disabled (`_ctx`), as the u64_stats
        // writer side requires.
        unsafe { bindings::dev_lstats_add(self.as_raw(), len) }
    }

    /// Adds one received packet to the per-cpu stats (`dev_sw_netstats_rx_add`).
    #[inline(always)]
    pub fn sw_netstats_rx_add(&self, _ctx: &TxContext, len: u32) {
        const {
            assert!(
                T::PCPU_STATS.is_tstats(),
                "the driver's devices have no tstats"
            )
        };
        // SAFETY: As for `sw_netstats_tx_add`; only registered devices are
        // reachable as peers.
        unsafe { bindings::dev_sw_netstats_rx_add(self.as_raw(), len) }
    }
}

/// A device being allocated: `setup` configures it before anything else can
/// see it.
#[repr(transparent)]
pub struct SetupDevice<T: Driver>(Device, Invariant<T>);

impl<T: Driver> SetupDevice<T> {
    #[inline]
    fn raw(&mut self) -> &mut bindings::net_device {
        // SAFETY: During setup the device is only reachable through `self`.
        unsafe { &mut *self.0.as_raw() }
    }

    /// Ethernet defaults (`ether_setup`).
    pub fn ether_setup(&mut self) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::ether_setup(self.0.as_raw()) }
    }

    /// Sets `min_mtu`.
    pub fn set_min_mtu(&mut self, mtu: u32) {
        self.raw().min_mtu = mtu;
    }

    /// Sets `max_mtu` (0: no maximum).
    pub fn set_max_mtu(&mut self, mtu: u32) {
        self.raw().max_mtu = mtu;
    }

    /// A random MAC address (`eth_hw_addr_random`).
    pub fn eth_hw_addr_random(&mut self) {
        // SAFETY: The device is valid and exclusively ours during setup; its
        // address list exists (`alloc_netdev_mqs` makes it before `setup`).
        unsafe { bindings::eth_hw_addr_random(self.0.as_raw()) }
    }

    /// Has the core take the instance lock around the device's ops
    /// (`request_ops_lock`).
    pub fn set_request_ops_lock(&mut self) {
        self.raw().request_ops_lock = true;
    }

    /// Sets the named bits of `flags` (see [`Flag`]) in `flags`, except
    /// `IFF_UP`, which only opening sets. Other bits (a value read from a
    /// device carries them all, e.g. `IFF_LOOPBACK`, by which the core
    /// trusts a device) are ignored.
    pub fn add_flags(&mut self, flags: Flags) {
        self.raw().flags |= flags.0 & Flags::all_bits() & !(Flag::Up as u32);
    }

    /// Clears the named bits of `flags` (see [`Flag`]) in `flags`.
    pub fn remove_flags(&mut self, flags: Flags) {
        self.raw().flags &= !(flags.0 & Flags::all_bits());
    }

    /// Sets bits in `priv_flags`.
    pub fn add_priv_flags(&mut self, flags: PrivFlags) {
        self.change_priv_flags(flags.0, 0);
    }

    pub(super) fn change_priv_flags(&mut self, set: usize, clear: usize) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::netdev_change_priv_flags(self.0.as_raw(), set, clear) }
    }

    /// Marks transmit as lockless (`lltx`).
    pub fn set_lltx(&mut self) {
        // SAFETY: The `priv_flags_fast` group is plain data; either view of
        // the union is valid.
        unsafe { self.raw().__bindgen_anon_1.__bindgen_anon_1.set_lltx(1) };
    }

    /// The device transmits netmem without DMA (`NETMEM_TX_NO_DMA`).
    pub fn set_netmem_tx_no_dma(&mut self) {
        // SAFETY: As in `set_lltx`.
        unsafe {
            self.raw()
                .__bindgen_anon_1
                .__bindgen_anon_1
                .set_netmem_tx(bindings::netmem_tx_mode_NETMEM_TX_NO_DMA as usize)
        };
    }

    /// Sets `features |= f`.
    pub fn add_features(&mut self, f: Features) {
        self.raw().features |= f.0;
    }

    /// Sets `hw_features`.
    pub fn set_hw_features(&mut self, f: Features) {
        self.raw().hw_features = f.0;
    }

    /// Sets `hw_enc_features`.
    pub fn set_hw_enc_features(&mut self, f: Features) {
        self.raw().hw_enc_features = f.0;
    }

    /// Sets `hw_features |= f`.
    pub fn add_hw_features(&mut self, f: Features) {
        self.raw().hw_features |= f.0;
    }

    /// Sets `hw_enc_features |= f`.
    pub fn add_hw_enc_features(&mut self, f: Features) {
        self.raw().hw_enc_features |= f.0;
    }

    /// Returns `features`.
    pub fn features(&mut self) -> Features {
        Features(self.raw().features)
    }

    /// Sets `mpls_features`.
    pub fn set_mpls_features(&mut self, f: Features) {
        self.raw().mpls_features = f.0;
    }

    /// Sets `vlan_features`.
    pub fn set_vlan_features(&mut self, f: Features) {
        self.raw().vlan_features = f.0;
    }

    /// Sets the TSO size limit (`netif_set_tso_max_size`).
    pub fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::netif_set_tso_max_size(self.0.as_raw(), size) }
    }
}
