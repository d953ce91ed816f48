// SPDX-License-Identifier: GPL-2.0

//! Network devices.
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/etherdevice.h`](srctree/include/linux/etherdevice.h).
//!
//! # Examples
//!
//! A link type whose devices drop what they are given (`ip link add type
//! rustdoc_sink` while registered); the core registers the devices `setup`
//! makes (no `newlink`):
//!
//! ```
//! use kernel::net::{
//!     dev::{Driver, DriverDevice, SetupDevice, TxStatus},
//!     rtnl::{self, HasLinkOps, IfName, LinkOps, LinkOpsTable, NameAssign},
//!     skbuff::{DropReason, SkBuff, TxContext},
//! };
//!
//! struct Sink;
//!
//! // What `kernel::module_net_driver!` does for a driver module.
//! kernel::net_device_ops!(Sink);
//! static LINK_OPS: LinkOpsTable<Sink> = LinkOpsTable::new();
//! // SAFETY: The test registers `LINK_OPS` below.
//! unsafe impl HasLinkOps for Sink {
//!     fn link_ops() -> &'static LinkOpsTable<Self> {
//!         &LINK_OPS
//!     }
//! }
//!
//! #[vtable]
//! impl Driver for Sink {
//!     type Priv = ();
//!
//!     fn priv_init() -> impl PinInit<()> {}
//!
//!     fn setup(dev: &mut SetupDevice<Self>) {
//!         dev.ether_setup();
//!     }
//!
//!     fn start_xmit<'a>(
//!         skb: SkBuff<'a>,
//!         dev: &'a DriverDevice<Self>,
//!         ctx: &'a TxContext,
//!     ) -> TxStatus {
//!         dev.core_stats_tx_dropped_inc();
//!         TxStatus::Drop(skb.drop_reason(ctx, DropReason::NotSpecified))
//!     }
//! }
//!
//! #[vtable]
//! impl LinkOps for Sink {
//!     const KIND: &'static CStr = c"rustdoc_sink";
//! }
//!
//! // SAFETY: A test may sleep; the registration is dropped below.
//! let registration = unsafe { rtnl::Registration::<Sink>::register() }?;
//! // A kind can be registered once.
//! // SAFETY: As above.
//! assert_eq!(unsafe { rtnl::Registration::<Sink>::register() }.err(), Some(EEXIST));
//! // A device as a module makes those it starts with; unregistering the
//! // kind deletes it.
//! registration.add_device(&IfName::new(c"rsink%d"), NameAssign::Enum)?;
//! drop(registration);
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    ffi::c_int,
    impl_flags,
    net::rtnl::{
        Net,
        Rtnl,
        RtnlHeld, //
    },
    sync::atomic::{
        atomic_load,
        Relaxed, //
    },
    types::Opaque, //
};
use core::ptr;

mod adapter;
mod bpf;
mod driver;
mod driver_device;
mod field;
mod lock;
mod pair;
mod rcu;
mod setup;
mod stats;

pub use adapter::{get_peer_dev_raw, Adapter, Ops};
pub(crate) use driver::priv_size;
#[doc(hidden)]
pub use driver::{peer_dev_names, same_kind};
pub use driver::{Driver, HasOps, LockClasses, Statics};
pub use driver_device::{DriverDevice, SetupDevice};
pub use field::PrivField;
pub use lock::{InstanceGuard, Locked, NewRxQueue, OpsGuard, RxQueues};
pub use pair::PeerSlot;
pub(crate) use rcu::Sealed;
pub use rcu::{RcuHeld, RcuRead};
pub(crate) use setup::setup;
pub use stats::{PcpuStats, Stats64, TxStatus};

/// Marks a type as driver `T`'s, invariant in `T`: nothing of one driver
/// coerces to another's (`G<for<'a> fn(&'a ())>` is a subtype of
/// `G<fn(&'static ())>`, and the two can be different drivers). Auto traits
/// follow `T`.
pub(crate) type Invariant<T> = core::marker::PhantomData<(T, fn(T) -> T)>;

impl_flags!(
    /// Bits of `net_device::flags` (`IFF_*`).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct Flags(u32);

    /// One `IFF_*` flag.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Flag {
        /// Interface is administratively up.
        Up = bindings::net_device_flags_IFF_UP,
        /// No ARP protocol.
        NoArp = bindings::net_device_flags_IFF_NOARP,
        /// Supports multicast.
        Multicast = bindings::net_device_flags_IFF_MULTICAST,
    }
);

impl Flags {
    /// `self` with `flag` cleared; other bits, named here or not, stay.
    pub fn without(self, flag: Flag) -> Self {
        Self(self.0 & !(flag as u32))
    }

    pub(crate) fn bits(self) -> u32 {
        self.0
    }
}

impl_flags!(
    /// `NETIF_F_*` feature bits (`netdev_features_t`).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct Features(u64);

    /// One feature, or one of the core's feature groups.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Feature {
        /// Scatter/gather.
        Sg = 1 << bindings::NETIF_F_SG_BIT,
        /// Fraglists.
        Fraglist = 1 << bindings::NETIF_F_FRAGLIST_BIT,
        /// Checksum offload of all protocols.
        HwCsum = 1 << bindings::NETIF_F_HW_CSUM_BIT,
        /// Receive checksum offload.
        RxCsum = 1 << bindings::NETIF_F_RXCSUM_BIT,
        /// SCTP CRC offload.
        SctpCrc = 1 << bindings::NETIF_F_SCTP_CRC_BIT,
        /// DMA to high memory.
        HighDma = 1 << bindings::NETIF_F_HIGHDMA_BIT,
        /// VLAN CTAG tx offload.
        HwVlanCtagTx = 1 << bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT,
        /// VLAN CTAG rx offload.
        HwVlanCtagRx = 1 << bindings::NETIF_F_HW_VLAN_CTAG_RX_BIT,
        /// VLAN STAG tx offload.
        HwVlanStagTx = 1 << bindings::NETIF_F_HW_VLAN_STAG_TX_BIT,
        /// VLAN STAG rx offload.
        HwVlanStagRx = 1 << bindings::NETIF_F_HW_VLAN_STAG_RX_BIT,
        /// All software GSO types (`NETIF_F_GSO_SOFTWARE`).
        GsoSoftware = bindings::NETIF_F_GSO_SOFTWARE,
        /// All encapsulation GSO types (`NETIF_F_GSO_ENCAP_ALL`).
        GsoEncapAll = bindings::NETIF_F_GSO_ENCAP_ALL,
    }
);

impl Features {
    /// `self` with the bits of `f` cleared; other bits, named here or not,
    /// stay.
    pub fn without(self, f: Features) -> Self {
        Self(self.0 & !f.0)
    }
}

impl_flags!(
    /// The `priv_flags` bits a driver may set on its devices.
    ///
    /// Bits by which other subsystems recognise a device type and read its
    /// private data as theirs (`IFF_EBRIDGE`, `IFF_BONDING`, ...) are not
    /// here, nor `IFF_TX_SKB_SHARING` ([`SkBuff`](crate::net::skbuff::SkBuff)
    /// owns its skb).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct PrivFlags(usize);

    /// One settable `priv_flags` bit.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum PrivFlag {
        /// The MAC address can change while the device is up.
        LiveAddrChange = bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE as usize,
        /// `needed_headroom` is a hint set through `ndo_set_rx_headroom`.
        PhonyHeadroom = bindings::netdev_priv_flags_IFF_PHONY_HEADROOM as usize,
        /// The device needs no qdisc.
        NoQueue = bindings::netdev_priv_flags_IFF_NO_QUEUE as usize,
        /// No netpoll.
        DisableNetpoll = bindings::netdev_priv_flags_IFF_DISABLE_NETPOLL as usize,
    }
);

/// A network device (`struct net_device`) of any driver.
///
/// # Invariants
///
/// The wrapped `net_device` is valid (allocated and not yet freed) for the
/// lifetime of any reference to a [`Device`].
#[repr(transparent)]
pub struct Device(Opaque<bindings::net_device>);

// SAFETY: `net_device` is used from any thread. Through a shared reference
// this wrapper only calls functions that take the locks they need, reads
// fields once (`READ_ONCE`), or writes the lockless hints the core itself
// reads once (`needed_headroom`/`needed_tailroom`, as C drivers do).
unsafe impl Send for Device {}
// SAFETY: As above.
unsafe impl Sync for Device {}

impl Device {
    /// Creates a reference to a [`Device`] from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::net_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper; validity is the caller's promise.
        // INVARIANT: Valid for `'a`, per the caller.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw `net_device` pointer.
    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// Returns the interface index (`READ_ONCE(dev->ifindex)`).
    #[inline]
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid (type invariant) and the field aligned;
        // registration sets it with one store, as `READ_ONCE` readers in C
        // assume.
        unsafe { atomic_load(&raw mut (*self.as_raw()).ifindex, Relaxed) }
    }

    /// Returns `dev->flags` (`READ_ONCE`).
    #[inline]
    pub fn flags(&self) -> Flags {
        // SAFETY: As for `ifindex`; `flags` is written with one store under
        // RTNL.
        Flags(unsafe { atomic_load(&raw mut (*self.as_raw()).flags, Relaxed) })
    }

    /// Whether the device is administratively up (`IFF_UP`).
    #[inline]
    pub fn is_up(&self) -> bool {
        self.flags().contains(Flag::Up)
    }

    /// Whether both devices are in the same network namespace.
    #[inline]
    pub fn same_net(&self, other: &Device) -> bool {
        // SAFETY: Both devices are valid; only the pointers are compared.
        unsafe {
            ptr::eq(
                bindings::dev_net(self.as_raw()),
                bindings::dev_net(other.as_raw()),
            )
        }
    }

    /// Returns the device's network namespace, under RTNL, which keeps the
    /// device from moving to another one and the namespace from going away.
    #[inline]
    pub fn net<'a>(&self, _rtnl: &'a impl RtnlHeld) -> &'a Net {
        // SAFETY: The device is valid; while RTNL is held it stays in
        // `dev_net`, and a namespace with devices in it is not freed.
        unsafe { Net::from_raw(bindings::dev_net(self.as_raw())) }
    }

    /// Whether the device has a parent device (a physical device has one).
    pub fn has_parent(&self) -> bool {
        // SAFETY: The device is valid; `dev.parent` is set before registration.
        unsafe { !(*self.as_raw()).dev.parent.is_null() }
    }

    /// `dev->reg_state` (`READ_ONCE`).
    fn reg_state(&self) -> u32 {
        // SAFETY: The device is valid; the byte `reg_state` is written with
        // one store under RTNL, and `i8` has its size and alignment.
        let state =
            unsafe { atomic_load((&raw mut (*self.as_raw()).reg_state).cast::<i8>(), Relaxed) };
        u32::from(state as u8)
    }

    /// Whether the device is being unregistered (`NETREG_UNREGISTERING`).
    pub fn is_unregistering(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_UNREGISTERING
    }

    /// Whether the device is registered (`NETREG_REGISTERED`).
    pub(crate) fn is_registered(&self) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_REGISTERED
    }

    /// Whether a `newlink` has not finished with the device
    /// (`rtnl_link_initializing`, written under RTNL).
    pub(crate) fn is_initializing(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid; RTNL serialises the writers.
        unsafe { (*self.as_raw()).rtnl_link_initializing }
    }

    /// Whether the device is moving to another network namespace
    /// (`moving_ns`, written under RTNL while it moves).
    pub(crate) fn is_moving_ns(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid; RTNL serialises the writers.
        unsafe { (*self.as_raw()).moving_ns }
    }

    /// Whether the device is queued for unregistration in a batch.
    pub(crate) fn unregister_queued(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid and RTNL, which the function asserts,
        // is held (`_rtnl`).
        unsafe { bindings::unregister_netdevice_queued(self.as_raw()) }
    }

    /// Whether the device is registered and in no unregistration batch:
    /// under RTNL, it stays registered until RTNL is released.
    pub(crate) fn is_live(&self, rtnl: &Rtnl) -> bool {
        self.is_registered() && !self.unregister_queued(rtnl)
    }

    /// Returns `dev->needed_headroom` (`READ_ONCE`).
    #[inline]
    pub fn needed_headroom(&self) -> u16 {
        self.room_hint(false)
    }

    /// Returns `dev->needed_tailroom` (`READ_ONCE`).
    #[inline]
    pub fn needed_tailroom(&self) -> u16 {
        self.room_hint(true)
    }

    #[inline(always)]
    fn room_hint(&self, tail: bool) -> u16 {
        let d = self.as_raw();
        // SAFETY: The device is valid; the core writes the hints with one
        // store, and `i16` has the size and alignment of the `u16`.
        unsafe {
            let p = if tail {
                &raw mut (*d).needed_tailroom
            } else {
                &raw mut (*d).needed_headroom
            };
            atomic_load(p.cast::<i16>(), Relaxed) as u16
        }
    }

    /// Returns the number of active rx queues (`READ_ONCE`).
    #[inline]
    pub fn real_num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; the count is written with one store,
        // under the instance lock.
        unsafe { atomic_load(&raw mut (*self.as_raw()).real_num_rx_queues, Relaxed) }
    }

    /// Returns the number of allocated rx queues.
    #[inline]
    pub fn num_rx_queues(&self) -> u32 {
        // SAFETY: The device is valid; set at allocation and never changed.
        unsafe { (*self.as_raw()).num_rx_queues }
    }

    /// Counts one dropped transmit in the core stats.
    #[inline(always)]
    pub fn core_stats_tx_dropped_inc(&self) {
        // SAFETY: The device is valid; the counters are per-cpu atomics that
        // the function allocates on first use, in any context.
        unsafe { bindings::dev_core_stats_tx_dropped_inc(self.as_raw()) }
    }

    /// Returns the `tx_dropped` counter (`DEV_STATS_READ`).
    pub fn tx_dropped(&self) -> u64 {
        // SAFETY: The device is valid; the counter is an `atomic_long_t`.
        unsafe { bindings::netdev_stats_read_tx_dropped(self.as_raw()) as u64 }
    }

    /// Returns the typed device if `self` was set up by driver `T`.
    #[inline]
    pub fn downcast<T: Driver>(&self) -> Option<&DriverDevice<T>> {
        // SAFETY: The device is valid; `netdev_ops` is set before the device
        // is visible and never changed.
        let ops = unsafe { (*self.as_raw()).netdev_ops };
        if ptr::eq(ops, &T::statics().ops().ndo) {
            // SAFETY: Only `T`'s setup installs `T`'s table, so the private
            // area is `T`'s; `DriverDevice<T>` is transparent over `Device`.
            Some(unsafe { &*ptr::from_ref(self).cast() })
        } else {
            None
        }
    }
}

/// A `struct sockaddr` handed to `ndo_set_mac_address`.
#[repr(transparent)]
pub struct SockAddr(Opaque<bindings::sockaddr>);

/// The maximum size of a GSO packet (`GSO_MAX_SIZE`).
pub const GSO_MAX_SIZE: u32 = bindings::GSO_MAX_SIZE;
/// The largest Ethernet MTU (`ETH_MAX_MTU`).
pub const ETH_MAX_MTU: u32 = bindings::ETH_MAX_MTU;
/// Default headroom (`NET_SKB_PAD`).
pub fn net_skb_pad() -> u32 {
    // SAFETY: Returns a constant.
    unsafe { bindings::net_skb_pad() }
}

/// Looks up a device by ifindex in `net` (`__dev_get_by_index`).
pub fn get_by_index<'a>(_rtnl: &'a Rtnl, net: &Net, ifindex: u32) -> Option<&'a Device> {
    // SAFETY: RTNL is held (`_rtnl`), as the lookup requires; `net` is live.
    let p = unsafe { bindings::__dev_get_by_index(net.as_raw(), ifindex as c_int) };
    // SAFETY: A registered device is not freed while RTNL is held.
    (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
}

/// Whether `addr` is a valid unicast Ethernet address (`is_valid_ether_addr`).
pub fn is_valid_ether_addr(addr: &[u8]) -> bool {
    // SAFETY: `addr` has the six bytes the function reads.
    addr.len() == 6 && unsafe { bindings::is_valid_ether_addr(addr.as_ptr()) }
}
