// SPDX-License-Identifier: GPL-2.0

//! The `Driver` trait, its static tables and lock classes.

use super::{
    DriverDevice,
    NewRxQueue,
    Ops,
    PcpuStats,
    PeerSlot,
    PrivField,
    RcuHeld,
    RxQueues,
    SetupDevice,
    SockAddr,
    Stats64,
    TxStatus, //
};
use crate::{
    bindings,
    error::VTABLE_DEFAULT_ERROR,
    ffi::c_int,
    net::{
        ethtool::DrvInfo,
        queue::XskWakeup,
        rtnl::{
            ExtAck,
            Rtnl, //
        },
        skbuff::{
            SharedSkBuff,
            SkBuff,
            TxContext, //
        }, //
    },
    prelude::*,
    sync::LockClassKey, //
};

/// A network device driver: its `net_device_ops` and private data.
///
/// Callbacks run with the locks the core documents for each `ndo_*`; those
/// that run under RTNL receive an [`Rtnl`] token, those under the instance
/// lock a [`Locked`](super::Locked) one. The table itself comes from
/// [`net_device_ops!`](crate::net_device_ops).
#[vtable]
pub trait Driver: HasOps + Sized + Send + Sync + 'static {
    /// Per-device private data, in `netdev_priv()`. It is never dropped
    /// (the core may free a device without a destructor call), so it must
    /// not need to be.
    type Priv: Send + Sync;

    /// Per-cpu statistics the core allocates for each device.
    const PCPU_STATS: PcpuStats = PcpuStats::None;

    /// Whether `ndo_features_check` is `passthru_features_check`.
    const FEATURES_PASSTHRU: bool = false;

    /// Whether `ndo_validate_addr` is `eth_validate_addr`.
    const ETH_VALIDATE_ADDR: bool = false;

    /// Whether `ethtool_ops->get_ts_info` is `ethtool_op_get_ts_info`
    /// (software transmit timestamps, see [`SharedSkBuff::tx_timestamp`]).
    const ETHTOOL_OP_GET_TS_INFO: bool = false;

    /// The peer pointer in the private data of a driver whose devices come
    /// in pairs, from [`priv_field!`](crate::priv_field): see
    /// [`rtnl::Registered::pair`](crate::net::rtnl::Registered::pair).
    const PAIR: Option<PrivField<Self, PeerSlot>> = None;

    /// The BPF multi-program attach point in the private data, from
    /// [`priv_field!`](crate::priv_field); released in `ndo_uninit`.
    #[cfg(CONFIG_BPF_SYSCALL)]
    const MPROG: Option<PrivField<Self, crate::net::mprog::Mprog>> = None;

    /// Initialises the private data of a freshly allocated device.
    fn priv_init() -> impl PinInit<Self::Priv>;

    /// `rtnl_link_ops->setup`: configures a freshly allocated device.
    fn setup(dev: &mut SetupDevice<Self>);

    /// `ndo_init`, after the lock classes are set.
    fn init(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_uninit`, before the abstraction releases what it attached.
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

    /// `ndo_start_xmit`; the driver always consumes `skb`. A driver has
    /// this or [`Driver::start_xmit_shared`].
    fn start_xmit<'a>(
        _skb: SkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_start_xmit` of a driver whose devices take shared skbs
    /// (`IFF_TX_SKB_SHARING`, e.g. pktgen's `clone_skb`): the skb can be
    /// read and released, not changed.
    fn start_xmit_shared<'a>(
        _skb: SharedSkBuff<'a>,
        _dev: &'a DriverDevice<Self>,
        _ctx: &'a TxContext,
    ) -> TxStatus {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_change_carrier`, under RTNL (and the instance lock of a device
    /// that has one).
    fn change_carrier(_dev: &DriverDevice<Self>, _rtnl: &Rtnl, _carrier: bool) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_iflink`.
    fn get_iflink(_dev: &DriverDevice<Self>, _rcu: &RcuHeld) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_peer_dev`, called under RCU: the peer a redirect goes to.
    fn get_peer_dev<'a>(
        _dev: &'a DriverDevice<Self>,
        _rcu: &'a RcuHeld,
    ) -> Option<&'a DriverDevice<Self>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_stats64`.
    fn get_stats64(_dev: &DriverDevice<Self>, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_mac_address`, under RTNL.
    fn set_mac_address(_dev: &DriverDevice<Self>, _rtnl: &Rtnl, _addr: &SockAddr) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_headroom`; negative means "default".
    fn set_rx_headroom(_dev: &DriverDevice<Self>, _rcu: &RcuHeld, _headroom: i32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_mode_async`.
    fn set_rx_mode_async(_dev: &DriverDevice<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Whether an AF_XDP pool may be enabled on rx queue `queue_id`, which
    /// leases a physical queue: the abstraction then forwards the pool setup
    /// (`ndo_bpf` `XDP_SETUP_XSK_POOL`) to the leased queue, with the checks
    /// AF_XDP makes of a device (`NETDEV_XDP_ACT_XSK`, no memory provider),
    /// and answers with the physical device's answer; it forwards every
    /// disable. Under RTNL and the instance lock.
    fn xsk_pool_enable(_dev: &DriverDevice<Self>, _rtnl: &Rtnl, _queue_id: u16) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_xsk_wakeup` for an AF_XDP socket bound to `queue`.
    fn xsk_wakeup(_dev: &DriverDevice<Self>, _queue: &XskWakeup<'_>, _flags: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `queue_mgmt_ops->ndo_queue_create`: adds an rx queue with
    /// [`RxQueues::add`] and returns it. Runs under the instance lock; the
    /// abstraction ends the queues' leases in `ndo_uninit`.
    fn queue_create<'a>(
        _dev: &'a DriverDevice<Self>,
        _queues: RxQueues<'a>,
        _extack: &mut ExtAck,
    ) -> Result<NewRxQueue<'a>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ethtool_ops->get_drvinfo`.
    fn get_drvinfo(_dev: &DriverDevice<Self>, _info: &mut DrvInfo) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The static tables of a driver, made by [`net_device_ops!`](crate::net_device_ops).
///
/// # Safety
///
/// [`statics`](HasOps::statics) returns the tables made for `Self` (as
/// `net_device_ops!` does): their address identifies `Self`'s devices.
pub unsafe trait HasOps {
    /// The driver's tables and lock classes.
    fn statics() -> &'static Statics<Self>
    where
        Self: Driver;
}

/// The lock classes of one driver's devices, as the `static` keys
/// `netdev_lockdep_set_classes()` defines for each C driver.
pub struct LockClasses {
    pub(super) tx_busylock: LockClassKey,
    pub(super) xmit_lock: LockClassKey,
    pub(super) addr_list_lock: LockClassKey,
    pub(super) instance_lock: LockClassKey,
}

/// What [`net_device_ops!`](crate::net_device_ops) puts in statics for `T`.
///
/// # Invariants
///
/// `ops` is in a `static` of its own (read-only memory), `keys` in static
/// memory that is never freed.
pub struct Statics<T: Driver> {
    ops: &'static Ops<T>,
    pub(super) keys: &'static LockClasses,
}

impl<T: Driver> Statics<T> {
    /// # Safety
    ///
    /// `ops` and `keys` must be `static`s of this driver's own, in the
    /// sections the compiler chooses (no `link_section`, not `mut`).
    #[doc(hidden)]
    pub const unsafe fn new(ops: &'static Ops<T>, keys: &'static LockClasses) -> Self {
        // INVARIANT: Per the caller.
        Self { ops, keys }
    }

    pub(super) fn ops(&self) -> &'static Ops<T> {
        self.ops
    }
}

impl LockClasses {
    /// # Safety
    ///
    /// The result must be placed in a `static` and never dropped.
    #[doc(hidden)]
    pub const unsafe fn new_static() -> Self {
        // SAFETY: Per the function's contract.
        unsafe {
            Self {
                tx_busylock: LockClassKey::new_static(),
                xmit_lock: LockClassKey::new_static(),
                addr_list_lock: LockClassKey::new_static(),
                instance_lock: LockClassKey::new_static(),
            }
        }
    }
}

/// The names [`net_device_ops!`](crate::net_device_ops)'s
/// `export_peer_dev` takes: one module per C function that core code calls
/// by name as `ndo_get_peer_dev` (`INDIRECT_CALL_1()` in
/// `skb_get_peer_dev()`, net/core/filter.c), with the link kind of the
/// driver whose it is (`KIND`) and, with retpolines, its C declaration
/// (`decl`).
#[doc(hidden)]
pub mod peer_dev_names {
    /// netkit's (`include/net/netkit.h`).
    pub mod netkit_peer_dev {
        /// The link kind of netkit.
        pub const KIND: &crate::prelude::CStr = c"netkit";
        #[cfg(all(CONFIG_NETKIT, CONFIG_MITIGATION_RETPOLINE))]
        pub use crate::bindings::netkit_peer_dev as decl;
    }
}

/// Whether link kinds `a` and `b` are one.
#[doc(hidden)]
pub const fn same_kind(a: &CStr, b: &CStr) -> bool {
    let (a, b) = (a.to_bytes(), b.to_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Builds a driver's `net_device_ops` (read-only) and lock classes and
/// implements [`HasOps`] for it.
///
/// `net_device_ops!(T, export_peer_dev = name)` also makes `T`'s
/// `ndo_get_peer_dev` the function `name`, as the C driver's of that name:
/// `name` must be one that core code calls by name, of `T`'s link kind
/// ([`LinkOps::KIND`](crate::net::rtnl::LinkOps::KIND); `netkit_peer_dev`
/// of `netkit`), and `T` must implement `get_peer_dev`. With retpolines
/// (`CONFIG_MITIGATION_RETPOLINE`) core code calls `name` directly: `name` is
/// exported, checked against the prototype C declares, and put in the table
/// (a second driver exporting it fails the link). Without, C declares no
/// `name` (the C function is static): the table has the plain adapter and
/// `name` is a local alias of it, as [`net_symbols!`](crate::net_symbols)
/// makes them.
///
/// The `@` arms are the macro's own steps, not for drivers.
#[macro_export]
macro_rules! net_device_ops {
    ($T:ty) => {
        const _: () = {
            $crate::net_device_ops!(@statics $T, $crate::net::dev::Ops::new());
        };
    };
    ($T:ty, export_peer_dev = $name:ident) => {
        const _: () = assert!(
            $crate::net::dev::same_kind(
                $crate::net::dev::peer_dev_names::$name::KIND,
                <$T as $crate::net::rtnl::LinkOps>::KIND,
            ),
            concat!("`", stringify!($name), "` is another link kind's")
        );
        const _: () = assert!(
            <$T as $crate::net::dev::Driver>::HAS_GET_PEER_DEV,
            "`export_peer_dev` without `get_peer_dev`"
        );
        /// Returns the peer of a device of this driver, under RCU.
        ///
        /// # Safety
        ///
        /// `dev` must be a device of this driver; the caller holds RCU.
        #[cfg(CONFIG_MITIGATION_RETPOLINE)]
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            dev: *mut $crate::bindings::net_device,
        ) -> *mut $crate::bindings::net_device {
            // SAFETY: Forwarded from the caller.
            unsafe { $crate::net::dev::get_peer_dev_raw::<$T>(dev) }
        }
        // The prototype C declares.
        #[cfg(CONFIG_MITIGATION_RETPOLINE)]
        const _: () = {
            let _ = [$crate::net::dev::peer_dev_names::$name::decl, $name];
        };
        #[cfg(CONFIG_MITIGATION_RETPOLINE)]
        const _: () = {
            $crate::net_device_ops!(
                @statics $T,
                // SAFETY: `$name` is `T`'s `ndo_get_peer_dev` adapter.
                unsafe { $crate::net::dev::Ops::with_peer_dev($name) }
            );
        };
        #[cfg(not(CONFIG_MITIGATION_RETPOLINE))]
        $crate::net_device_ops!($T);
        #[cfg(not(CONFIG_MITIGATION_RETPOLINE))]
        $crate::net_symbols!(@alias $T, $name, $crate::net::dev::Adapter::<$T>::get_peer_dev);
    };
    // The table is a static of this arm's, so that it stays read-only and
    // lives as long as the module: the caller gives only its value.
    (@statics $T:ty, $ops:expr) => {
        static OPS: $crate::net::dev::Ops<$T> = $ops;
        // SAFETY: Placed in a static, never dropped.
        static KEYS: $crate::net::dev::LockClasses =
            unsafe { $crate::net::dev::LockClasses::new_static() };
        // SAFETY: `OPS` and `KEYS` are statics of this driver's only,
        // made here.
        static STATICS: $crate::net::dev::Statics<$T> =
            unsafe { $crate::net::dev::Statics::new(&OPS, &KEYS) };
        // SAFETY: `STATICS` holds the tables made here for `T`.
        unsafe impl $crate::net::dev::HasOps for $T {
            fn statics() -> &'static $crate::net::dev::Statics<$T> {
                &STATICS
            }
        }
    };
}

/// `priv_size` of `T`'s devices: the size of `T::Priv`, checked to fit the
/// `int` that `alloc_netdev_mqs()` takes (with the `net_device` in front of
/// it) and to need no alignment beyond the private area's.
pub(crate) const fn priv_size<T: Driver>() -> usize {
    const {
        assert!(
            core::mem::align_of::<T::Priv>() <= bindings::NETDEV_ALIGN as usize,
            "private data aligned beyond NETDEV_ALIGN"
        )
    };
    const {
        assert!(
            core::mem::size_of::<T::Priv>()
                <= c_int::MAX as usize - core::mem::size_of::<bindings::net_device>(),
            "private data larger than alloc_netdev_mqs() can allocate"
        )
    };
    core::mem::size_of::<T::Priv>()
}
