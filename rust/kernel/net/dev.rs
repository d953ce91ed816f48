// SPDX-License-Identifier: GPL-2.0

//! Network devices.
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/etherdevice.h`](srctree/include/linux/etherdevice.h).
//!
//! # Examples
//!
//! A link type whose devices drop what they are given (`ip link add type
//! rustdoc_sink` while registered):
//!
//! ```
//! use kernel::bindings;
//! use kernel::net::{
//!     dev::{self, Driver, DriverDevice, SetupDevice, TxStatus},
//!     rtnl::{self, ExtAck, LinkOps, LinkOpsTable, NewDevice, NewLinkParams, Rtnl},
//!     skbuff::{DropReason, SkBuff},
//! };
//!
//! struct Sink;
//!
//! static OPS: dev::Ops<Sink> = dev::Ops::new();
//! static LINK_OPS: LinkOpsTable<Sink> = LinkOpsTable::new();
//! static POLICY: rtnl::Policy<1> = rtnl::Policy::new([rtnl::PolicyEntry::UNSPEC]);
//!
//! #[vtable]
//! impl Driver for Sink {
//!     type Priv = ();
//!
//!     fn ops() -> &'static dev::Ops<Self> {
//!         &OPS
//!     }
//!
//!     fn priv_init() -> impl PinInit<()> {}
//!
//!     fn setup(dev: &mut SetupDevice<Self>) {
//!         dev.ether_setup();
//!         dev.set_needs_free_netdev();
//!     }
//!
//!     fn start_xmit(skb: SkBuff, dev: &DriverDevice<Self>) -> TxStatus {
//!         dev.core_stats_tx_dropped_inc();
//!         skb.drop_reason(DropReason::NotSpecified);
//!         TxStatus::Drop
//!     }
//! }
//!
//! #[vtable]
//! impl LinkOps for Sink {
//!     const KIND: &'static CStr = c"rustdoc_sink";
//!     const MAX_TYPE: u32 = 0;
//!     const POLICY: &'static [bindings::nla_policy] = POLICY.as_slice();
//!
//!     fn link_ops() -> &'static LinkOpsTable<Self> {
//!         &LINK_OPS
//!     }
//!
//!     fn newlink(
//!         rtnl: &Rtnl,
//!         dev: NewDevice<'_, Self>,
//!         _params: &NewLinkParams<'_>,
//!         _extack: &mut ExtAck,
//!     ) -> Result {
//!         dev.register(rtnl).map(|_| ())
//!     }
//!
//!     fn dellink(
//!         rtnl: &Rtnl,
//!         dev: &DriverDevice<Self>,
//!         _peer: Option<&DriverDevice<Self>>,
//!         list: &mut rtnl::UnregisterList<'_>,
//!     ) {
//!         list.queue(rtnl, dev);
//!     }
//! }
//!
//! let registration = rtnl::Registration::<Sink>::register()?;
//! // A kind can be registered once.
//! assert_eq!(rtnl::Registration::<Sink>::register().err(), Some(EEXIST));
//! drop(registration);
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    error::{from_result, to_result, Result, VTABLE_DEFAULT_ERROR},
    ffi::{c_int, c_void},
    net::{
        ethtool::DrvInfo,
        queue::RxQueue,
        rtnl::{ExtAck, Net, Rtnl},
        skbuff::SkBuff,
    },
    prelude::*,
    sync::{aref::AlwaysRefCounted, rcu},
    types::{NotThreadSafe, Opaque},
};
use core::{
    marker::PhantomData,
    ptr::{self, NonNull},
    sync::atomic::{AtomicPtr, Ordering},
};

/// Proof of an RCU read-side critical section.
pub trait RcuRead {}

impl RcuRead for rcu::Guard {}

/// An RCU read-side critical section the core entered before calling a
/// driver (e.g. `ndo_get_peer_dev`): no need to take the lock again.
pub struct RcuHeld(NotThreadSafe);

impl RcuRead for RcuHeld {}

impl RcuHeld {
    /// # Safety
    ///
    /// The caller must be in an RCU read-side critical section for `'a`.
    unsafe fn assume<'a>() -> &'a RcuHeld {
        static TOKEN: RcuHeldToken = RcuHeldToken(RcuHeld(NotThreadSafe));
        &TOKEN.0
    }
}

struct RcuHeldToken(RcuHeld);
// SAFETY: The token carries no data.
unsafe impl Sync for RcuHeldToken {}

/// Flags of `net_device::flags` (`IFF_*`).
pub mod flags {
    /// Interface is administratively up.
    pub const UP: u32 = crate::bindings::net_device_flags_IFF_UP;
    /// No ARP protocol.
    pub const NOARP: u32 = crate::bindings::net_device_flags_IFF_NOARP;
}

/// A network device (`struct net_device`) of any driver.
///
/// # Invariants
///
/// The wrapped `net_device` is valid (allocated and not yet freed) for the
/// lifetime of any reference to a [`Device`].
#[repr(transparent)]
pub struct Device(Opaque<bindings::net_device>);

// SAFETY: `net_device` is used from any thread; the kernel synchronises every
// field this wrapper touches (RTNL, RCU, atomics, per-cpu data).
unsafe impl Send for Device {}
// SAFETY: As above: shared references only reach synchronised state.
unsafe impl Sync for Device {}

// SAFETY: `dev_hold` and `dev_put` manage the device's reference count; the
// device is not freed while the count is elevated.
unsafe impl AlwaysRefCounted for Device {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: `self` is a valid device by the type invariant.
        unsafe { bindings::dev_hold(self.as_raw()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns a reference taken with `inc_ref`.
        unsafe { bindings::dev_put(obj.cast().as_ptr()) };
    }
}

impl Device {
    /// Creates a reference to a [`Device`] from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper; validity is the caller's promise.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw `net_device` pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// Returns the interface index (`READ_ONCE(dev->ifindex)`).
    #[inline]
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid; the field is read once, as C does.
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).ifindex) }
    }

    /// Returns `dev->flags`.
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: The device is valid; `flags` is a plain word written under RTNL.
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).flags) }
    }

    /// Whether the device is administratively up (`IFF_UP`).
    #[inline]
    pub fn is_up(&self) -> bool {
        self.flags() & flags::UP != 0
    }

    /// Whether both devices are in the same network namespace.
    #[inline]
    pub fn same_net(&self, other: &Device) -> bool {
        // SAFETY: Both devices are valid.
        unsafe { bindings::dev_net(self.as_raw()) == bindings::dev_net(other.as_raw()) }
    }

    /// Returns the device's network namespace.
    #[inline]
    pub fn net(&self) -> *mut bindings::net {
        // SAFETY: The device is valid.
        unsafe { bindings::dev_net(self.as_raw()) }
    }

    /// Whether the device has a parent device (a physical device has one).
    pub fn has_parent(&self) -> bool {
        // SAFETY: The device is valid; `dev.parent` is set before registration.
        unsafe { !(*self.as_raw()).dev.parent.is_null() }
    }

    /// Whether the device is being unregistered (`NETREG_UNREGISTERING`).
    pub fn is_unregistering(&self) -> bool {
        // SAFETY: The device is valid; `reg_state` is read once, as C does.
        let state = unsafe { ptr::read_volatile(&raw const (*self.as_raw()).reg_state) };
        u32::from(state) == bindings::netdev_reg_state_NETREG_UNREGISTERING
    }

    /// Whether the device is queued for unregistration in a batch.
    pub fn unregister_queued(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid and RTNL is held.
        unsafe { bindings::unregister_netdevice_queued(self.as_raw()) }
    }

    /// Returns `dev->needed_headroom`.
    #[inline]
    pub fn needed_headroom(&self) -> u16 {
        // SAFETY: The device is valid.
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).needed_headroom) }
    }

    /// Sets `dev->needed_headroom`.
    #[inline]
    pub fn set_needed_headroom(&self, headroom: u16) {
        // SAFETY: The device is valid; the core reads this hint without locks.
        unsafe { ptr::write_volatile(&raw mut (*self.as_raw()).needed_headroom, headroom) }
    }

    /// Returns `dev->needed_tailroom`.
    #[inline]
    pub fn needed_tailroom(&self) -> u16 {
        // SAFETY: The device is valid.
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).needed_tailroom) }
    }

    /// Sets `dev->needed_tailroom`.
    #[inline]
    pub fn set_needed_tailroom(&self, tailroom: u16) {
        // SAFETY: The device is valid; the core reads this hint without locks.
        unsafe { ptr::write_volatile(&raw mut (*self.as_raw()).needed_tailroom, tailroom) }
    }

    /// Returns the number of active rx queues.
    #[inline]
    pub fn real_num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid.
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).real_num_rx_queues) }
    }

    /// Returns the number of allocated rx queues.
    #[inline]
    pub fn num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; set at allocation and never changed.
        unsafe { (*self.as_raw()).num_rx_queues }
    }

    /// Sets the number of active rx queues (`netif_set_real_num_rx_queues`).
    pub fn set_real_num_rx_queues(&self, _locked: &Locked, count: u32) -> Result {
        // SAFETY: The device is valid and its instance lock is held.
        to_result(unsafe { bindings::netif_set_real_num_rx_queues(self.as_raw(), count) })
    }

    /// Returns rx queue `index`, or `None` past the active queues.
    pub fn rx_queue(&self, index: u32) -> Option<&RxQueue> {
        if index >= self.real_num_rx_queues() {
            return None;
        }
        // SAFETY: `index` is below `real_num_rx_queues <= num_rx_queues`, so the
        // queue exists and lives as long as the device.
        Some(unsafe { RxQueue::from_raw(bindings::__netif_get_rx_queue(self.as_raw(), index)) })
    }

    /// Signals carrier on (`netif_carrier_on`).
    pub fn carrier_on(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::netif_carrier_on(self.as_raw()) }
    }

    /// Signals carrier off (`netif_carrier_off`).
    pub fn carrier_off(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::netif_carrier_off(self.as_raw()) }
    }

    /// Changes `dev->flags` as `SIOCSIFFLAGS` would (`dev_change_flags`).
    pub fn change_flags(&self, _rtnl: &Rtnl, flags: u32) -> Result {
        // SAFETY: The device is valid and RTNL is held.
        to_result(unsafe { bindings::dev_change_flags(self.as_raw(), flags, ptr::null_mut()) })
    }

    /// Sets a random unicast MAC address (`eth_hw_addr_random`).
    pub fn eth_hw_addr_random(&self, _rtnl: &Rtnl) {
        // SAFETY: The device is valid and RTNL is held.
        unsafe { bindings::eth_hw_addr_random(self.as_raw()) }
    }

    /// Sets the MAC address from a `struct sockaddr` (`eth_mac_addr`).
    pub fn eth_mac_addr(&self, addr: &SockAddr) -> Result {
        // SAFETY: The device is valid; `addr` points to a `struct sockaddr`.
        to_result(unsafe { bindings::eth_mac_addr(self.as_raw(), addr.0.get().cast()) })
    }

    /// Copies the TSO limits of `from` (`netif_inherit_tso_max`).
    pub fn inherit_tso_max(&self, from: &Device) {
        // SAFETY: Both devices are valid.
        unsafe { bindings::netif_inherit_tso_max(self.as_raw(), from.as_raw()) }
    }

    /// Adds one transmitted packet to the per-cpu stats (`dev_sw_netstats_tx_add`).
    #[inline(always)]
    pub fn sw_netstats_tx_add(&self, packets: u32, len: u32) {
        // SAFETY: The device is valid and uses `NETDEV_PCPU_STAT_TSTATS`
        // (see `SetupDevice::set_pcpu_stat_tstats`); this runs in softirq or
        // with BH disabled, as the u64_stats writer side requires.
        unsafe { bindings::dev_sw_netstats_tx_add(self.as_raw(), packets, len) }
    }

    /// Adds one received packet to the per-cpu stats (`dev_sw_netstats_rx_add`).
    #[inline(always)]
    pub fn sw_netstats_rx_add(&self, len: u32) {
        // SAFETY: As for `sw_netstats_tx_add`.
        unsafe { bindings::dev_sw_netstats_rx_add(self.as_raw(), len) }
    }

    /// Counts one dropped transmit in the core stats.
    #[inline(always)]
    pub fn core_stats_tx_dropped_inc(&self) {
        // SAFETY: The device is valid.
        unsafe { bindings::dev_core_stats_tx_dropped_inc(self.as_raw()) }
    }

    /// Takes the device instance lock (`netdev_lock`).
    pub fn lock(&self) -> InstanceGuard<'_> {
        // SAFETY: The device is valid.
        unsafe { bindings::netdev_lock(self.as_raw()) };
        InstanceGuard {
            dev: self,
            ops: false,
            locked: Locked(NotThreadSafe),
        }
    }

    /// Takes the instance lock if the device's ops need it (`netdev_lock_ops`).
    pub fn lock_ops(&self) -> InstanceGuard<'_> {
        // SAFETY: The device is valid.
        unsafe { bindings::netdev_lock_ops(self.as_raw()) };
        InstanceGuard {
            dev: self,
            ops: true,
            locked: Locked(NotThreadSafe),
        }
    }

    /// Returns the device's `ndo_bpf` and `ndo_xsk_wakeup` if it implements
    /// both and `ndo_xdp_xmit`, as AF_XDP zero-copy needs.
    pub fn xsk_ops(&self) -> Option<XskOps> {
        // SAFETY: The device is valid; `netdev_ops` is set before registration
        // and points to a static table.
        let ops = unsafe { &*(*self.as_raw()).netdev_ops };
        match (ops.ndo_bpf, ops.ndo_xdp_xmit, ops.ndo_xsk_wakeup) {
            (Some(bpf), Some(_), Some(wakeup)) => Some(XskOps { bpf, wakeup }),
            _ => None,
        }
    }

    /// Whether `dev->xdp_features` has every AF_XDP zero-copy bit.
    pub fn xdp_features_xsk(&self) -> bool {
        let xsk = bindings::NETDEV_XDP_ACT_XSK;
        // SAFETY: The device is valid; read under the instance lock by callers.
        unsafe { (*self.as_raw()).xdp_features & xsk == xsk }
    }

    /// Returns the least number of channels memory providers need
    /// (`dev_get_min_mp_channel_count`).
    pub fn min_mp_channel_count(&self, _lock: &Locked) -> u32 {
        // SAFETY: The device is valid and its instance lock is held.
        unsafe { bindings::dev_get_min_mp_channel_count(self.as_raw()) }
    }

    /// Returns the typed device if `self` was set up by driver `T`.
    #[inline]
    pub fn downcast<T: Driver>(&self) -> Option<&DriverDevice<T>> {
        // SAFETY: The device is valid.
        let ops = unsafe { (*self.as_raw()).netdev_ops };
        if ptr::eq(ops, T::ops().0.get()) {
            // SAFETY: Only `T`'s setup installs `T::ops()`, so the private area
            // holds a `T::Priv`; `DriverDevice<T>` is transparent over `Device`.
            Some(unsafe { &*ptr::from_ref(self).cast() })
        } else {
            None
        }
    }
}

/// `ndo_bpf` and `ndo_xsk_wakeup` of a device that supports AF_XDP.
#[derive(Clone, Copy)]
pub struct XskOps {
    bpf: unsafe extern "C" fn(*mut bindings::net_device, *mut bindings::netdev_bpf) -> c_int,
    wakeup: unsafe extern "C" fn(*mut bindings::net_device, u32, u32) -> c_int,
}

impl XskOps {
    /// Calls the device's `ndo_bpf`.
    pub fn bpf(&self, dev: &Device, _lock: &Locked, cmd: &mut NetdevBpf) -> Result {
        // SAFETY: `self` came from `dev.xsk_ops()`, `dev` is valid, its
        // instance lock is held as `ndo_bpf` requires, `cmd` is valid.
        to_result(unsafe { (self.bpf)(dev.as_raw(), cmd.0.get()) })
    }

    /// Calls the device's `ndo_xsk_wakeup`.
    pub fn wakeup(&self, dev: &Device, queue_id: u32, flags: u32) -> Result {
        // SAFETY: `self` came from `dev.xsk_ops()` and `dev` is valid.
        to_result(unsafe { (self.wakeup)(dev.as_raw(), queue_id, flags) })
    }
}

/// Proof that a device's instance lock (`dev->lock`) is held.
pub struct Locked(NotThreadSafe);

impl Locked {
    /// Returns a token for a callback the core runs under the instance lock.
    ///
    /// # Safety
    ///
    /// The instance lock of the device at hand must be held for `'a`.
    pub unsafe fn assume_held<'a>() -> &'a Locked {
        static TOKEN: LockedToken = LockedToken(Locked(NotThreadSafe));
        &TOKEN.0
    }
}

struct LockedToken(Locked);
// SAFETY: The token carries no data.
unsafe impl Sync for LockedToken {}

/// Holds a device's instance lock (`dev->lock`); released on drop.
pub struct InstanceGuard<'a> {
    dev: &'a Device,
    ops: bool,
    locked: Locked,
}

impl InstanceGuard<'_> {
    /// The locked device.
    pub fn device(&self) -> &Device {
        self.dev
    }
}

impl core::ops::Deref for InstanceGuard<'_> {
    type Target = Locked;

    fn deref(&self) -> &Locked {
        &self.locked
    }
}

impl Drop for InstanceGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: The lock was taken by `lock`/`lock_ops` of the same kind.
        unsafe {
            if self.ops {
                bindings::netdev_unlock_ops(self.dev.as_raw())
            } else {
                bindings::netdev_unlock(self.dev.as_raw())
            }
        }
    }
}

/// A `struct sockaddr` handed to `ndo_set_mac_address`.
#[repr(transparent)]
pub struct SockAddr(Opaque<bindings::sockaddr>);

/// The argument of `ndo_bpf` (`struct netdev_bpf`).
#[repr(transparent)]
pub struct NetdevBpf(Opaque<bindings::netdev_bpf>);

/// A command of `ndo_bpf`.
pub enum BpfCommand {
    /// `XDP_SETUP_PROG`.
    SetupProg,
    /// `XDP_SETUP_XSK_POOL` for `queue_id`; `create` if a pool is given.
    SetupXskPool {
        /// The queue the pool is for.
        queue_id: u16,
        /// Whether a pool is being installed (else removed).
        create: bool,
    },
    /// Anything else.
    Other,
}

impl NetdevBpf {
    /// Decodes the command.
    pub fn command(&self) -> BpfCommand {
        // SAFETY: `self` is a valid `netdev_bpf` for the duration of `ndo_bpf`;
        // the union member read matches `command`.
        unsafe {
            let bpf = &*self.0.get();
            match bpf.command {
                bindings::bpf_netdev_command_XDP_SETUP_PROG => BpfCommand::SetupProg,
                bindings::bpf_netdev_command_XDP_SETUP_XSK_POOL => BpfCommand::SetupXskPool {
                    queue_id: bpf.__bindgen_anon_1.xsk.queue_id,
                    create: !bpf.__bindgen_anon_1.xsk.pool.is_null(),
                },
                _ => BpfCommand::Other,
            }
        }
    }

    /// Copies an `XDP_SETUP_XSK_POOL` command with another queue id.
    pub fn xsk_for_queue(&self, queue_id: u16) -> NetdevBpf {
        // SAFETY: `self` is valid; `netdev_bpf` is plain data.
        let mut copy: bindings::netdev_bpf = unsafe { ptr::read(self.0.get()) };
        copy.__bindgen_anon_1.xsk.queue_id = queue_id;
        NetdevBpf(Opaque::new(copy))
    }
}

/// Statistics for `ndo_get_stats64` (`struct rtnl_link_stats64`).
#[repr(transparent)]
pub struct Stats64(Opaque<bindings::rtnl_link_stats64>);

impl Stats64 {
    /// Sums the per-cpu software stats of `dev` (`dev_fetch_sw_netstats`).
    pub fn fetch_sw_netstats(&mut self, dev: &Device) {
        // SAFETY: `self` is valid; `dev` uses per-cpu tstats.
        unsafe {
            bindings::dev_fetch_sw_netstats(self.0.get(), (*dev.as_raw()).__bindgen_anon_2.tstats)
        }
    }

    /// Sets `tx_dropped` to the device's core counter (`DEV_STATS_READ`).
    pub fn set_tx_dropped_from(&mut self, dev: &Device) {
        // SAFETY: `self` and `dev` are valid; the counter is an atomic_long_t
        // (64-bit), read once as `atomic_long_read` does.
        unsafe {
            let c = &raw const (*dev.as_raw()).stats.__bindgen_anon_8.__tx_dropped;
            (*self.0.get()).tx_dropped = bindings::atomic64_read(c.cast()) as u64;
        }
    }
}

/// The result of `ndo_start_xmit` for a driver that always consumes the skb.
#[repr(i32)]
pub enum TxStatus {
    /// `NET_XMIT_SUCCESS`.
    Success = bindings::NET_XMIT_SUCCESS as i32,
    /// `NET_XMIT_DROP`.
    Drop = bindings::NET_XMIT_DROP as i32,
}

/// A net_device of driver `T`, with access to its private data.
///
/// # Invariants
///
/// The device was set up by `T` (its `netdev_ops` is `T::ops()`), so its private
/// area holds a `T::Priv` initialised by `T::priv_init`.
#[repr(transparent)]
pub struct DriverDevice<T: Driver>(Device, PhantomData<T>);

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
    pub unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: Transparent wrapper; the caller guarantees the invariants.
        unsafe { &*ptr.cast() }
    }

    /// Gives the device's locks the lock classes of driver `T`
    /// (`netdev_lockdep_set_classes`); for `ndo_init`.
    pub fn set_lockdep_classes(&self) {
        let keys = &T::ops().3;
        // SAFETY: The device is valid; the keys are in the `static` `T::ops()`
        // (never dropped), as lockdep requires of keys it does not register.
        unsafe {
            bindings::netdev_set_lockdep_keys(
                self.as_raw(),
                keys.tx_busylock.get(),
                keys.xmit_lock.get(),
                keys.addr_list_lock.get(),
                keys.instance_lock.get(),
            )
        }
    }

    /// Returns the driver's private data (pinned in the device allocation).
    #[inline(always)]
    pub fn data(&self) -> &T::Priv {
        // SAFETY: By the type invariant the private area holds an initialised
        // `T::Priv`; it lives inside the net_device allocation and never moves.
        unsafe { &*bindings::netdev_priv(self.as_raw()).cast() }
    }
}

/// A device being allocated: `setup` configures it before anything else can
/// see it.
#[repr(transparent)]
pub struct SetupDevice<T: Driver>(Device, PhantomData<T>);

/// `NETIF_F_*` feature bits (`netdev_features_t`).
pub mod features {
    use crate::bindings;
    /// Scatter/gather.
    pub const SG: u64 = 1 << bindings::NETIF_F_SG_BIT;
    /// Fraglists.
    pub const FRAGLIST: u64 = 1 << bindings::NETIF_F_FRAGLIST_BIT;
    /// Checksum offload of all protocols.
    pub const HW_CSUM: u64 = 1 << bindings::NETIF_F_HW_CSUM_BIT;
    /// Receive checksum offload.
    pub const RXCSUM: u64 = 1 << bindings::NETIF_F_RXCSUM_BIT;
    /// SCTP CRC offload.
    pub const SCTP_CRC: u64 = 1 << bindings::NETIF_F_SCTP_CRC_BIT;
    /// DMA to high memory.
    pub const HIGHDMA: u64 = 1 << bindings::NETIF_F_HIGHDMA_BIT;
    /// VLAN CTAG tx offload.
    pub const HW_VLAN_CTAG_TX: u64 = 1 << bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT;
    /// VLAN CTAG rx offload.
    pub const HW_VLAN_CTAG_RX: u64 = 1 << bindings::NETIF_F_HW_VLAN_CTAG_RX_BIT;
    /// VLAN STAG tx offload.
    pub const HW_VLAN_STAG_TX: u64 = 1 << bindings::NETIF_F_HW_VLAN_STAG_TX_BIT;
    /// VLAN STAG rx offload.
    pub const HW_VLAN_STAG_RX: u64 = 1 << bindings::NETIF_F_HW_VLAN_STAG_RX_BIT;
    /// All software GSO types (`NETIF_F_GSO_SOFTWARE`).
    pub const GSO_SOFTWARE: u64 = bindings::NETIF_F_GSO_SOFTWARE;
    /// All encapsulation GSO types (`NETIF_F_GSO_ENCAP_ALL`).
    pub const GSO_ENCAP_ALL: u64 = bindings::NETIF_F_GSO_ENCAP_ALL;
}

/// `IFF_*` bits of `net_device::priv_flags`.
pub mod priv_flags {
    use crate::bindings;
    /// The device can share skbs between transmits (pktgen clone_skb).
    pub const TX_SKB_SHARING: usize = bindings::netdev_priv_flags_IFF_TX_SKB_SHARING as usize;
    /// The MAC address can change while the device is up.
    pub const LIVE_ADDR_CHANGE: usize = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE as usize;
    /// `needed_headroom` is a hint set through `ndo_set_rx_headroom`.
    pub const PHONY_HEADROOM: usize = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM as usize;
    /// The device needs no qdisc.
    pub const NO_QUEUE: usize = bindings::netdev_priv_flags_IFF_NO_QUEUE as usize;
    /// No netpoll.
    pub const DISABLE_NETPOLL: usize = bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL as usize;
}

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

    /// Sets `max_mtu`.
    pub fn set_max_mtu(&mut self, mtu: u32) {
        self.raw().max_mtu = mtu;
    }

    /// Lets the core allocate and report per-cpu `tstats`.
    pub fn set_pcpu_stat_tstats(&mut self) {
        self.raw()
            .set_pcpu_stat_type(bindings::netdev_stat_type_NETDEV_PCPU_STAT_TSTATS);
    }

    /// Sets bits in `flags`.
    pub fn add_flags(&mut self, flags: u32) {
        self.raw().flags |= flags;
    }

    /// Sets and clears bits in `priv_flags`.
    pub fn change_priv_flags(&mut self, set: usize, clear: usize) {
        // SAFETY: The `priv_flags_fast` group is plain data; either view of
        // the union is valid.
        let fast = unsafe { &mut self.raw().__bindgen_anon_1.__bindgen_anon_1 };
        let v = (fast.priv_flags() & !clear) | set;
        fast.set_priv_flags(v);
    }

    /// Marks transmit as lockless (`lltx`).
    pub fn set_lltx(&mut self) {
        // SAFETY: As in `change_priv_flags`.
        unsafe { self.raw().__bindgen_anon_1.__bindgen_anon_1.set_lltx(1) };
    }

    /// The device transmits netmem without DMA (`NETMEM_TX_NO_DMA`).
    pub fn set_netmem_tx_no_dma(&mut self) {
        // SAFETY: As in `change_priv_flags`.
        unsafe {
            self.raw()
                .__bindgen_anon_1
                .__bindgen_anon_1
                .set_netmem_tx(bindings::netmem_tx_mode_NETMEM_TX_NO_DMA as usize)
        };
    }

    /// Sets `features |= f`, `hw_features = f`, `hw_enc_features = f`.
    pub fn set_features(&mut self, f: u64) {
        let raw = self.raw();
        raw.features |= f;
        raw.hw_features = f;
        raw.hw_enc_features = f;
    }

    /// Returns `features`.
    pub fn features(&mut self) -> u64 {
        self.raw().features
    }

    /// Sets `mpls_features`.
    pub fn set_mpls_features(&mut self, f: u64) {
        self.raw().mpls_features = f;
    }

    /// Sets `vlan_features`.
    pub fn set_vlan_features(&mut self, f: u64) {
        self.raw().vlan_features = f;
    }

    /// Lets unregistration free the device (`needs_free_netdev`).
    pub fn set_needs_free_netdev(&mut self) {
        self.raw().needs_free_netdev = true;
    }

    /// Sets the TSO size limit (`netif_set_tso_max_size`).
    pub fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: The device is valid and exclusively ours during setup.
        unsafe { bindings::netif_set_tso_max_size(self.0.as_raw(), size) }
    }

    /// Advertises AF_XDP zero-copy support (`xdp_set_features_flag`).
    pub fn set_xdp_features_xsk(&mut self) {
        // SAFETY: The device is valid and not yet registered.
        unsafe { bindings::xdp_set_features_flag(self.0.as_raw(), bindings::NETDEV_XDP_ACT_XSK) }
    }
}

/// The maximum size of a GSO packet (`GSO_MAX_SIZE`).
pub const GSO_MAX_SIZE: u32 = bindings::GSO_MAX_SIZE;
/// The largest Ethernet MTU (`ETH_MAX_MTU`).
pub const ETH_MAX_MTU: u32 = bindings::ETH_MAX_MTU;
/// Default headroom (`NET_SKB_PAD`).
pub const NET_SKB_PAD: u32 = if bindings::L1_CACHE_BYTES > 32 {
    bindings::L1_CACHE_BYTES
} else {
    32
};

/// A network device driver: its `net_device_ops` and private data.
///
/// Callbacks run with the locks the core documents for each `ndo_*`; those
/// that run under RTNL receive an [`Rtnl`] token.
#[vtable]
pub trait Driver: Sized + Send + Sync + 'static {
    /// Per-device private data, in `netdev_priv()`. It is never dropped
    /// (the core may free a device without a destructor call), so it must
    /// not need to be.
    type Priv: Send + Sync;

    /// The driver's one `net_device_ops` table (a `static`): its address
    /// identifies the driver's devices.
    fn ops() -> &'static Ops<Self>;

    /// Initialises the private data of a freshly allocated device.
    fn priv_init() -> impl PinInit<Self::Priv>;

    /// `rtnl_link_ops->setup`: configures a freshly allocated device.
    fn setup(dev: &mut SetupDevice<Self>);

    /// `ndo_init`.
    fn init(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_uninit`.
    fn uninit(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_open`.
    fn open(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_stop`.
    fn stop(_dev: &DriverDevice<Self>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_start_xmit`; the driver always consumes `skb`.
    fn start_xmit(skb: SkBuff, dev: &DriverDevice<Self>) -> TxStatus;

    /// `ndo_get_iflink`.
    fn get_iflink(_dev: &DriverDevice<Self>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_peer_dev`, called under RCU.
    fn get_peer_dev<'a>(_dev: &'a DriverDevice<Self>, _rcu: &'a RcuHeld) -> Option<&'a Device> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_stats64`.
    fn get_stats64(_dev: &DriverDevice<Self>, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_mac_address`.
    fn set_mac_address(_dev: &DriverDevice<Self>, _addr: &SockAddr) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_headroom`; negative means "default".
    fn set_rx_headroom(_dev: &DriverDevice<Self>, _headroom: i32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_mode_async`.
    fn set_rx_mode_async(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_bpf`.
    fn bpf(_dev: &DriverDevice<Self>, _cmd: &mut NetdevBpf) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_xsk_wakeup`.
    fn xsk_wakeup(_dev: &DriverDevice<Self>, _queue_id: u32, _flags: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `queue_mgmt_ops->ndo_queue_create`: adds a queue and returns its
    /// index. Runs under the device's instance lock.
    fn queue_create(
        _dev: &DriverDevice<Self>,
        _locked: &Locked,
        _extack: &mut ExtAck,
    ) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ethtool_ops->get_drvinfo`.
    fn get_drvinfo(_dev: &DriverDevice<Self>, _info: &mut DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Whether `ndo_features_check` is `passthru_features_check`.
    const FEATURES_PASSTHRU: bool = false;
}

/// The `net_device_ops` (and `netdev_queue_mgmt_ops`) of driver `T`.
///
/// Must live in a `static`: its address identifies `T`'s devices, and it
/// holds their lockdep class keys.
pub struct Ops<T: Driver>(
    Opaque<bindings::net_device_ops>,
    Opaque<bindings::netdev_queue_mgmt_ops>,
    Opaque<bindings::ethtool_ops>,
    LockdepKeys,
    PhantomData<T>,
);

// SAFETY: The tables are never written after construction; lockdep uses
// static keys by address only.
unsafe impl<T: Driver> Sync for Ops<T> {}

/// The lock classes of one driver's devices, as the `static` keys
/// `netdev_lockdep_set_classes()` defines for each C driver.
struct LockdepKeys {
    tx_busylock: Opaque<bindings::lock_class_key>,
    xmit_lock: Opaque<bindings::lock_class_key>,
    addr_list_lock: Opaque<bindings::lock_class_key>,
    instance_lock: Opaque<bindings::lock_class_key>,
}

impl LockdepKeys {
    const fn new() -> Self {
        Self {
            tx_busylock: Opaque::uninit(),
            xmit_lock: Opaque::uninit(),
            addr_list_lock: Opaque::uninit(),
            instance_lock: Opaque::uninit(),
        }
    }
}

impl<T: Driver> Default for Ops<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Driver> Ops<T> {
    /// Builds the tables from `T`'s implemented callbacks.
    pub const fn new() -> Self {
        let ops = bindings::net_device_ops {
            ndo_init: if T::HAS_INIT {
                Some(Adapter::<T>::init)
            } else {
                None
            },
            ndo_uninit: if T::HAS_UNINIT {
                Some(Adapter::<T>::uninit)
            } else {
                None
            },
            ndo_open: if T::HAS_OPEN {
                Some(Adapter::<T>::open)
            } else {
                None
            },
            ndo_stop: if T::HAS_STOP {
                Some(Adapter::<T>::stop)
            } else {
                None
            },
            ndo_start_xmit: Some(Adapter::<T>::start_xmit),
            ndo_get_iflink: if T::HAS_GET_IFLINK {
                Some(Adapter::<T>::get_iflink)
            } else {
                None
            },
            ndo_get_peer_dev: if T::HAS_GET_PEER_DEV {
                Some(Adapter::<T>::get_peer_dev)
            } else {
                None
            },
            ndo_get_stats64: if T::HAS_GET_STATS64 {
                Some(Adapter::<T>::get_stats64)
            } else {
                None
            },
            ndo_set_mac_address: if T::HAS_SET_MAC_ADDRESS {
                Some(Adapter::<T>::set_mac_address)
            } else {
                None
            },
            ndo_set_rx_headroom: if T::HAS_SET_RX_HEADROOM {
                Some(Adapter::<T>::set_rx_headroom)
            } else {
                None
            },
            ndo_set_rx_mode_async: if T::HAS_SET_RX_MODE_ASYNC {
                Some(Adapter::<T>::set_rx_mode_async)
            } else {
                None
            },
            ndo_bpf: if T::HAS_BPF {
                Some(Adapter::<T>::bpf)
            } else {
                None
            },
            ndo_xsk_wakeup: if T::HAS_XSK_WAKEUP {
                Some(Adapter::<T>::xsk_wakeup)
            } else {
                None
            },
            ndo_features_check: if T::FEATURES_PASSTHRU {
                Some(bindings::passthru_features_check)
            } else {
                None
            },
            // SAFETY: All-zero is a valid `net_device_ops` (all `None`).
            ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
        };
        let qops = bindings::netdev_queue_mgmt_ops {
            ndo_queue_create: if T::HAS_QUEUE_CREATE {
                Some(Adapter::<T>::queue_create)
            } else {
                None
            },
            // SAFETY: All-zero is a valid `netdev_queue_mgmt_ops`.
            ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
        };
        // SAFETY: All-zero is a valid `ethtool_ops`.
        let mut eops: bindings::ethtool_ops =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        if T::HAS_GET_DRVINFO {
            eops.get_drvinfo = Some(Adapter::<T>::get_drvinfo);
        }
        Self(
            Opaque::new(ops),
            Opaque::new(qops),
            Opaque::new(eops),
            LockdepKeys::new(),
            PhantomData,
        )
    }

    /// Installs the tables on a device being set up.
    pub(crate) fn install(&'static self, dev: &mut SetupDevice<T>) {
        let raw = dev.raw();
        raw.netdev_ops = self.0.get();
        if T::HAS_QUEUE_CREATE {
            raw.queue_mgmt_ops = self.1.get();
        }
        if T::HAS_GET_DRVINFO {
            raw.ethtool_ops = self.2.get();
        }
    }
}

struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `dev` must be a valid device whose `netdev_ops` is `T::ops()`.
    #[inline(always)]
    unsafe fn dev<'a>(dev: *const bindings::net_device) -> &'a DriverDevice<T> {
        // SAFETY: `T::ops()` is only installed by `T`'s setup, so the device is
        // `T`'s; the core keeps it valid for the duration of the callback.
        unsafe { DriverDevice::from_raw(dev) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn init(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::init(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn uninit(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_uninit` is called under RTNL on one of `T`'s devices.
        unsafe { T::uninit(Self::dev(dev), Rtnl::assume_held()) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn open(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_open` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::open(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_stop` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::stop(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core hands over ownership of a valid skb.
        let skb = unsafe { SkBuff::from_raw(skb) };
        // SAFETY: Called by the core on one of `T`'s devices.
        T::start_xmit(skb, unsafe { Self::dev(dev) }) as bindings::netdev_tx_t
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_iflink(dev: *const bindings::net_device) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_iflink(unsafe { Self::dev(dev) })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_peer_dev(dev: *mut bindings::net_device) -> *mut bindings::net_device {
        // SAFETY: `ndo_get_peer_dev` is called under RCU (`skb_do_redirect`
        // from a BPF program's context) on one of `T`'s devices.
        let (rcu, dev) = unsafe { (RcuHeld::assume(), Self::dev(dev)) };
        T::get_peer_dev(dev, rcu).map_or(ptr::null_mut(), Device::as_raw)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_stats64(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: `stats` is valid and exclusively ours for the call;
        // `Stats64` is transparent.
        let stats = unsafe { &mut *stats.cast::<Stats64>() };
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_stats64(unsafe { Self::dev(dev) }, stats)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_mac_address(dev: *mut bindings::net_device, sa: *mut c_void) -> c_int {
        // SAFETY: `sa` is a valid `struct sockaddr`; `SockAddr` is transparent.
        let sa = unsafe { &*sa.cast::<SockAddr>() };
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::set_mac_address(unsafe { Self::dev(dev) }, sa).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_rx_headroom(dev: *mut bindings::net_device, headroom: c_int) {
        // SAFETY: Called by the core on one of `T`'s devices.
        T::set_rx_headroom(unsafe { Self::dev(dev) }, headroom)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn set_rx_mode_async(
        dev: *mut bindings::net_device,
        _uc: *mut bindings::netdev_hw_addr_list,
        _mc: *mut bindings::netdev_hw_addr_list,
    ) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::set_rx_mode_async(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn bpf(
        dev: *mut bindings::net_device,
        cmd: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: `cmd` is valid for the call; `NetdevBpf` is transparent.
        let cmd = unsafe { &mut *cmd.cast::<NetdevBpf>() };
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::bpf(unsafe { Self::dev(dev) }, cmd).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn xsk_wakeup(
        dev: *mut bindings::net_device,
        queue_id: u32,
        flags: u32,
    ) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::xsk_wakeup(unsafe { Self::dev(dev) }, queue_id, flags).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: `info` is valid and ours for the call.
        let info = unsafe { DrvInfo::from_raw(info) };
        // SAFETY: Called by the core on one of `T`'s devices.
        T::get_drvinfo(unsafe { Self::dev(dev) }, info)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn queue_create(
        dev: *mut bindings::net_device,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: `extack` is valid (or NULL) for the call.
        let extack = &mut unsafe { ExtAck::from_raw(extack) };
        from_result(|| {
            // SAFETY: `ndo_queue_create` runs under the instance lock, on one
            // of `T`'s devices.
            let (dev, locked) = unsafe { (Self::dev(dev), Locked::assume_held()) };
            let id = T::queue_create(dev, locked, extack)?;
            Ok(id as c_int)
        })
    }
}

/// Sets up a device being allocated by `alloc_netdev_mqs` for driver `T`.
///
/// # Safety
///
/// `dev` must be a device being allocated with room for a `T::Priv` as its
/// private area.
pub(crate) unsafe fn setup<T: Driver>(dev: *mut bindings::net_device) {
    const {
        assert!(!core::mem::needs_drop::<T::Priv>());
    }
    // SAFETY: The private area is suitably sized and aligned (netdev_priv
    // is aligned to NETDEV_ALIGN) and not initialised yet; it never moves.
    unsafe { ::pin_init::raw_init(bindings::netdev_priv(dev).cast::<T::Priv>(), T::priv_init()) };
    // SAFETY: During allocation only the caller sees the device; `SetupDevice`
    // is transparent over `Device`.
    let dev = unsafe { &mut *dev.cast::<SetupDevice<T>>() };
    T::ops().install(dev);
    T::setup(dev);
}

/// An RCU-protected pointer to a registered net_device, such as the peer of a
/// device pair.
///
/// # Invariants
///
/// When non-null, the pointer refers to a device that was registered when it
/// was published and that is unpublished (with [`DevicePtr::clear`]) before
/// its unregistration starts; unregistration waits for an RCU grace period
/// before freeing, so readers under RCU or RTNL see a valid device.
pub struct DevicePtr(AtomicPtr<bindings::net_device>);

impl Default for DevicePtr {
    fn default() -> Self {
        Self::new()
    }
}

impl DevicePtr {
    /// A null pointer.
    pub const fn new() -> Self {
        Self(AtomicPtr::new(ptr::null_mut()))
    }

    /// Loads the pointer under RCU (`rcu_dereference`).
    #[inline(always)]
    pub fn get<'a>(&self, _rcu: &'a impl RcuRead) -> Option<&'a Device> {
        // Relaxed: the address dependency orders the reads, as in `rcu_dereference`.
        let p = self.0.load(Ordering::Relaxed);
        // SAFETY: By the type invariant a non-null pointer is valid until a
        // grace period after it is cleared, which `_rcu` holds off.
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }

    /// Loads the pointer under RTNL (`rtnl_dereference`).
    #[inline]
    pub fn get_rtnl<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a Device> {
        let p = self.0.load(Ordering::Relaxed);
        // SAFETY: Clearing and unregistration both happen under RTNL, so the
        // device stays valid while `_rtnl` is held.
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }

    /// Publishes `dev` (`rcu_assign_pointer`).
    ///
    /// # Safety
    ///
    /// `dev` must be registered, and the pointer must be cleared with
    /// [`DevicePtr::clear`] before `dev`'s unregistration starts.
    pub unsafe fn set(&self, _rtnl: &Rtnl, dev: &Device) {
        self.0.store(dev.as_raw(), Ordering::Release);
    }

    /// Clears the pointer (`RCU_INIT_POINTER(p, NULL)`) and returns the old
    /// device, still valid while RTNL is held.
    pub fn clear<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a Device> {
        let p = self.0.swap(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: The device was valid when published and cannot be freed
        // while RTNL is held.
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }
}

/// Looks up a device by ifindex in `net` (`__dev_get_by_index`).
pub fn get_by_index<'a>(_rtnl: &'a Rtnl, net: Net, ifindex: u32) -> Option<&'a Device> {
    // SAFETY: RTNL is held, which keeps the returned device alive; `Net`
    // only holds live namespaces.
    let p = unsafe { bindings::__dev_get_by_index(net.as_raw(), ifindex as c_int) };
    // SAFETY: Non-null results are registered devices, valid under RTNL.
    (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
}

/// Whether `addr` is a valid unicast Ethernet address (`is_valid_ether_addr`).
pub fn is_valid_ether_addr(addr: &[u8]) -> bool {
    // SAFETY: `addr` has the six bytes the function reads.
    addr.len() == 6 && unsafe { bindings::is_valid_ether_addr(addr.as_ptr()) }
}

/// `ndo_get_peer_dev` of driver `T` as a plain C function.
///
/// # Safety
///
/// `dev` must be a device of `T`, and the caller in an RCU read section.
#[doc(hidden)]
pub unsafe fn get_peer_dev_raw<T: Driver>(
    dev: *mut bindings::net_device,
) -> *mut bindings::net_device {
    // SAFETY: Per the function's contract.
    unsafe { Adapter::<T>::get_peer_dev(dev) }
}

/// Exports `ndo_get_peer_dev` of a driver under a C name that core code
/// calls directly (as `netkit_peer_dev` for `bpf_redirect_peer`).
#[macro_export]
macro_rules! netdev_export_peer_dev {
    ($T:ty, $name:ident) => {
        /// Returns the peer of a device of this driver, under RCU.
        ///
        /// # Safety
        ///
        /// `dev` must be a device of this driver; the caller holds RCU.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            dev: *mut $crate::bindings::net_device,
        ) -> *mut $crate::bindings::net_device {
            // SAFETY: Forwarded from the caller.
            unsafe { $crate::net::dev::get_peer_dev_raw::<$T>(dev) }
        }
    };
}
