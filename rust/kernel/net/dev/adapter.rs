// SPDX-License-Identifier: GPL-2.0

//! The `net_device_ops` table of a driver and the callbacks in it.

use super::{
    bpf,
    driver::priv_size,
    lock::unlease_all,
    Driver,
    DriverDevice,
    Locked,
    RcuHeld,
    RxQueues,
    SockAddr,
    Stats64, //
};
use crate::{
    bindings,
    error::from_result,
    ffi::{
        c_int,
        c_void, //
    },
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
    }, //
};
use core::{
    marker::PhantomData,
    ptr, //
};

/// The read-only `net_device_ops`, `netdev_queue_mgmt_ops` and `ethtool_ops`
/// of driver `T`. The address of `ndo` identifies `T`'s devices.
pub struct Ops<T: Driver> {
    pub(super) ndo: bindings::net_device_ops,
    pub(super) qops: bindings::netdev_queue_mgmt_ops,
    pub(super) eops: bindings::ethtool_ops,
    _p: super::Invariant<T>,
}

// SAFETY: The tables are plain data (function pointers) never written after
// construction.
unsafe impl<T: Driver> Sync for Ops<T> {}

type PeerDevFn = unsafe extern "C" fn(*mut bindings::net_device) -> *mut bindings::net_device;

impl<T: Driver> Default for Ops<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Driver> Ops<T> {
    /// Builds the tables from `T`'s implemented callbacks.
    pub const fn new() -> Self {
        let peer_dev: Option<PeerDevFn> = if T::HAS_GET_PEER_DEV {
            Some(Adapter::<T>::get_peer_dev)
        } else {
            None
        };
        Self::build(peer_dev)
    }

    /// Builds the tables with `peer_dev` as `ndo_get_peer_dev`.
    ///
    /// # Safety
    ///
    /// `peer_dev` must call [`get_peer_dev_raw::<T>`] and nothing else.
    #[doc(hidden)]
    pub const unsafe fn with_peer_dev(peer_dev: PeerDevFn) -> Self {
        const { assert!(T::HAS_GET_PEER_DEV) };
        Self::build(Some(peer_dev))
    }

    const fn build(peer_dev: Option<PeerDevFn>) -> Self {
        const {
            assert!(
                !T::HAS_GET_PEER_DEV || T::PCPU_STATS.is_tstats(),
                "bpf_redirect_peer() counts rx on the peer's tstats"
            )
        };
        const {
            assert!(
                T::HAS_START_XMIT != T::HAS_START_XMIT_SHARED,
                "a driver has one of start_xmit and start_xmit_shared"
            )
        };
        let _ = priv_size::<T>();
        const {
            assert!(
                !core::mem::needs_drop::<T::Priv>(),
                "private data is never dropped"
            )
        };
        let ndo = bindings::net_device_ops {
            ndo_init: Some(Adapter::<T>::init),
            ndo_uninit: Some(Adapter::<T>::uninit),
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
            ndo_validate_addr: if T::ETH_VALIDATE_ADDR {
                Some(bindings::eth_validate_addr)
            } else {
                None
            },
            ndo_change_carrier: if T::HAS_CHANGE_CARRIER {
                Some(Adapter::<T>::change_carrier)
            } else {
                None
            },
            ndo_get_iflink: if T::HAS_GET_IFLINK {
                Some(Adapter::<T>::get_iflink)
            } else {
                None
            },
            ndo_get_peer_dev: peer_dev,
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
            ndo_bpf: if T::HAS_XSK_POOL_ENABLE {
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
            ..pin_init::zeroed()
        };
        let qops = bindings::netdev_queue_mgmt_ops {
            ndo_queue_create: if T::HAS_QUEUE_CREATE {
                Some(Adapter::<T>::queue_create)
            } else {
                None
            },
            ..pin_init::zeroed()
        };
        let mut eops: bindings::ethtool_ops = pin_init::zeroed();
        if T::HAS_GET_DRVINFO {
            eops.get_drvinfo = Some(Adapter::<T>::get_drvinfo);
        }
        if T::ETHTOOL_OP_GET_TS_INFO {
            eops.get_ts_info = Some(bindings::ethtool_op_get_ts_info);
        }
        Self {
            ndo,
            qops,
            eops,
            _p: PhantomData,
        }
    }
}

/// The C entry points of driver `T`'s tables. Public only for
/// [`net_symbols!`](crate::net_symbols); calling one is the C side's job.
#[doc(hidden)]
pub struct Adapter<T: Driver>(super::Invariant<T>);

impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `dev` must be a valid device whose `netdev_ops` is `T`'s table.
    #[inline(always)]
    unsafe fn dev<'a>(dev: *const bindings::net_device) -> &'a DriverDevice<T> {
        // SAFETY: `T`'s table is only installed by `T`'s setup, so the device
        // is `T`'s; the core keeps it valid for the duration of the callback.
        unsafe { DriverDevice::from_raw(dev) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn init(dev: *mut bindings::net_device) -> c_int {
        let keys = T::statics().keys;
        // SAFETY: `ndo_init` runs during registration, before the device's
        // locks are used; the keys are in static memory (`Statics`), as
        // lockdep requires of keys it does not register.
        unsafe {
            bindings::netdev_set_lockdep_keys(
                dev,
                keys.tx_busylock.as_ptr(),
                keys.xmit_lock.as_ptr(),
                keys.addr_list_lock.as_ptr(),
                keys.instance_lock.as_ptr(),
            )
        };
        if !T::HAS_INIT {
            return 0;
        }
        // SAFETY: Called by the core on one of `T`'s devices.
        from_result(|| T::init(unsafe { Self::dev(dev) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn uninit(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_uninit` is called under RTNL on one of `T`'s devices.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        if T::HAS_UNINIT {
            T::uninit(dev, rtnl);
        }
        // The device's programs and links go with it, whatever the driver did.
        #[cfg(CONFIG_BPF_SYSCALL)]
        if let Some(field) = T::MPROG {
            field.get(dev.data()).release_all(rtnl);
        }
        if T::HAS_QUEUE_CREATE {
            unlease_all(dev, rtnl);
        }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn open(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_open` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::open(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_stop` is called under RTNL on one of `T`'s devices.
        from_result(|| unsafe { T::stop(Self::dev(dev), Rtnl::assume_held()) }.map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core calls `ndo_start_xmit` with BH disabled (netpoll,
        // which would not, is disabled at setup), on one of `T`'s devices,
        // with a valid skb: one nothing else uses if the driver has
        // `start_xmit` (setup clears `IFF_TX_SKB_SHARING`), one reference to
        // it if it has `start_xmit_shared`.
        unsafe {
            let (dev, ctx) = (Self::dev(dev), TxContext::assume());
            if T::HAS_START_XMIT_SHARED {
                T::start_xmit_shared(SharedSkBuff::from_raw(skb), dev, ctx).to_raw()
            } else {
                T::start_xmit(SkBuff::from_raw(skb), dev, ctx).to_raw()
            }
        }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn change_carrier(
        dev: *mut bindings::net_device,
        carrier: bool,
    ) -> c_int {
        // SAFETY: Called under RTNL (`netif_change_carrier`'s callers: rtnetlink
        // and sysfs) on one of `T`'s devices.
        let (dev, rtnl) = unsafe { (Self::dev(dev), Rtnl::assume_held()) };
        from_result(|| T::change_carrier(dev, rtnl, carrier).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn get_iflink(dev: *const bindings::net_device) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices.
        let dev = unsafe { Self::dev(dev) };
        // The caller may hold RTNL or RCU; the driver gets RCU.
        RcuHeld::with_read_lock(|rcu| T::get_iflink(dev, rcu))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    #[inline(always)]
    pub unsafe extern "C" fn get_peer_dev(
        dev: *mut bindings::net_device,
    ) -> *mut bindings::net_device {
        // SAFETY: `ndo_get_peer_dev` is called under RCU (`skb_do_redirect`
        // from a BPF program's context) on one of `T`'s devices.
        let (rcu, dev) = unsafe { (RcuHeld::assume(), Self::dev(dev)) };
        T::get_peer_dev(dev, rcu).map_or(ptr::null_mut(), |p| p.as_raw())
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn get_stats64(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: Called by the core on one of `T`'s devices, with `stats`
        // valid and exclusively ours for the call; `Stats64` is transparent.
        let (dev, stats) = unsafe { (Self::dev(dev), &mut *stats.cast::<Stats64>()) };
        T::get_stats64(dev, stats)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn set_mac_address(
        dev: *mut bindings::net_device,
        sa: *mut c_void,
    ) -> c_int {
        // SAFETY: Called by the core under RTNL on one of `T`'s devices, with
        // a valid `struct sockaddr`; `SockAddr` is transparent.
        let (dev, rtnl, sa) =
            unsafe { (Self::dev(dev), Rtnl::assume_held(), &*sa.cast::<SockAddr>()) };
        from_result(|| T::set_mac_address(dev, rtnl, sa).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn set_rx_headroom(dev: *mut bindings::net_device, headroom: c_int) {
        // SAFETY: Called by the core on one of `T`'s devices.
        let dev = unsafe { Self::dev(dev) };
        RcuHeld::with_read_lock(|rcu| T::set_rx_headroom(dev, rcu, headroom))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn set_rx_mode_async(
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
    pub unsafe extern "C" fn bpf(
        dev: *mut bindings::net_device,
        cmd: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: Called by the core under RTNL on one of `T`'s devices.
        // `T` has `ndo_bpf`, so the setup adapter set `request_ops_lock`:
        // `netdev_need_ops_lock` is true and the core also holds the
        // instance lock around `ndo_bpf`.
        let (dev, rtnl, locked) = unsafe {
            let dev = Self::dev(dev);
            (dev, Rtnl::assume_held(), Locked::assume_held(dev))
        };
        from_result(|| {
            // SAFETY: A valid command for `dev`, under RTNL and the lock
            // `locked` proves.
            unsafe { bpf::ndo_bpf(dev, rtnl, &locked, cmd) }.map(|()| 0)
        })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn xsk_wakeup(
        dev: *mut bindings::net_device,
        queue_id: u32,
        flags: u32,
    ) -> c_int {
        // SAFETY: Called by the core on one of `T`'s devices, for a socket
        // bound to `queue_id`, under RCU; unbinding (at the latest in the
        // `NETDEV_UNREGISTER` notifier) waits for a grace period, and the
        // device's leases end after that, in its `ndo_uninit` adapter.
        let (dev, queue) = unsafe {
            let dev = Self::dev(dev);
            (dev, XskWakeup::new(dev, queue_id))
        };
        from_result(|| T::xsk_wakeup(dev, &queue, flags).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn get_drvinfo(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: Called by the core on one of `T`'s devices, with `info`
        // valid and ours for the call.
        let (dev, info) = unsafe { (Self::dev(dev), DrvInfo::from_raw(info)) };
        T::get_drvinfo(dev, info)
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn queue_create(
        dev: *mut bindings::net_device,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Called on one of `T`'s devices, under its instance lock,
        // with a valid (or NULL) `extack`.
        let (dev, locked, mut extack) = unsafe {
            let dev = Self::dev(dev);
            (dev, Locked::assume_held(dev), ExtAck::from_raw(extack))
        };
        let extack = &mut extack;
        let queues = RxQueues {
            locked,
            _brand: PhantomData,
        };
        from_result(|| {
            let q = T::queue_create(dev, queues, extack)?;
            // An index below `num_rx_queues`, at most 4096 (the core's
            // check at allocation), so it fits.
            Ok(q.0 as c_int)
        })
    }
}

/// `ndo_get_peer_dev` of driver `T` as a plain C function.
///
/// # Safety
///
/// `dev` must be a device of `T`, and the caller in an RCU read section.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn get_peer_dev_raw<T: Driver>(
    dev: *mut bindings::net_device,
) -> *mut bindings::net_device {
    // SAFETY: Per the function's contract.
    unsafe { Adapter::<T>::get_peer_dev(dev) }
}
