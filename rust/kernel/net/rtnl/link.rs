// SPDX-License-Identifier: GPL-2.0

//! Link types (`rtnl_link_ops`).

use super::{
    newlink::NewLinkState,
    unregister::dellink_registered,
    Attrs,
    ExtAck,
    LinkAttrs,
    Msg,
    Net,
    NewDevice,
    NewLinkDone,
    NewLinkParams,
    PolicyTable,
    Registration,
    Rtnl,
    RtnlAtomic,
    UnregisterList, //
};
use crate::{
    bindings,
    error::{
        from_result,
        VTABLE_DEFAULT_ERROR, //
    },
    ffi::{
        c_char,
        c_int,
        c_uint, //
    },
    net::dev::{
        self,
        Driver,
        DriverDevice, //
    },
    prelude::*,
    sync::atomic::AtomicFlag,
    types::Opaque, //
};
use core::{
    cell::Cell,
    marker::PhantomData,
    ptr, //
};

/// A link type: `rtnl_link_ops` of a [`Driver`], registered by
/// [`module_net_driver!`](crate::module_net_driver).
#[vtable]
pub trait LinkOps: Driver + HasLinkOps {
    /// `kind`, as in `ip link add type KIND`.
    const KIND: &'static CStr;

    /// `peer_type`: the attribute carrying the peer's info, if any (0:
    /// none); its [`POLICY`](LinkOps::POLICY) entry must be
    /// [`PolicyEntry::peer_info`](super::PolicyEntry::peer_info).
    const PEER_TYPE: u16 = 0;

    /// The policy of `IFLA_INFO_DATA`; its length sets `maxtype`.
    const POLICY: &'static PolicyTable = PolicyTable::NONE;

    /// `alloc`: checks the requested queue counts; returns the number of tx
    /// and rx queues that are active at creation, each from 1 to the
    /// requested count.
    fn alloc_queues(_num_tx: u32, _num_rx: u32) -> Result<(u32, u32)> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `validate`.
    fn validate(_tb: LinkAttrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `newlink`: sets up and registers `dev` (and any peer). Without it
    /// the core registers the device `setup` made.
    fn newlink<'a>(
        _rtnl: &'a Rtnl,
        _dev: NewDevice<'a, Self>,
        _params: &NewLinkParams<'a, Self>,
        _extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `changelink`.
    fn changelink(
        _rtnl: &Rtnl,
        _dev: &DriverDevice<Self>,
        _tb: LinkAttrs<'_>,
        _data: Attrs<'_>,
        _extack: &mut ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `get_size`: the room `fill_info` needs.
    fn get_size(_dev: &DriverDevice<Self>) -> usize {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `fill_info`.
    fn fill_info(_rtnl: &Rtnl, _dev: &DriverDevice<Self>, _msg: &mut Msg) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Runs at module init, after the link type is registered: creates the
    /// devices the module starts with ([`Registration::add_device`]). On
    /// error the module fails to load, and the devices already made go with
    /// the link type.
    fn module_init(_link: &Registration<Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `get_link_net`: the core calls it under RTNL and `rcu_read_lock()`,
    /// so it gets an [`RtnlAtomic`].
    fn get_link_net<'a>(_rtnl: &'a RtnlAtomic, _dev: &'a DriverDevice<Self>) -> &'a Net {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The `rtnl_link_ops` of `T`. Must live in a `static`; the core links it
/// into its list while registered.
///
/// # Invariants
///
/// `registered` is true while a [`Registration`] holds the table, so the
/// core never sees it registered twice.
pub struct LinkOpsTable<T: LinkOps> {
    ops: Opaque<bindings::rtnl_link_ops>,
    pub(super) registered: AtomicFlag,
    _p: dev::Invariant<T>,
}

// SAFETY: After construction only the core writes the table (its list and
// srcu members), under its own locks.
unsafe impl<T: LinkOps> Sync for LinkOpsTable<T> {}

impl<T: LinkOps> Default for LinkOpsTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: LinkOps> LinkOpsTable<T> {
    /// Builds the table from `T`'s callbacks.
    pub const fn new() -> Self {
        const {
            assert!(
                T::PEER_TYPE == 0 || T::POLICY.holds_ifinfomsg(T::PEER_TYPE),
                "PEER_TYPE is not a PolicyEntry::peer_info() entry of POLICY"
            )
        };
        const {
            assert!(
                T::POLICY.max_type() <= RTNL_MAX_TYPE,
                "POLICY longer than rtnl_link_register() accepts (RTNL_MAX_TYPE)"
            )
        };
        let mut o: bindings::rtnl_link_ops = pin_init::zeroed();
        o.kind = crate::str::as_char_ptr_in_const_context(T::KIND);
        o.priv_size = dev::priv_size::<T>();
        o.alloc = if T::HAS_ALLOC_QUEUES {
            Some(LinkAdapter::<T>::alloc)
        } else {
            None
        };
        o.setup = Some(LinkAdapter::<T>::setup);
        o.peer_type = T::PEER_TYPE;
        o.maxtype = T::POLICY.max_type();
        o.policy = T::POLICY.as_ptr();
        o.validate = if T::HAS_VALIDATE {
            Some(LinkAdapter::<T>::validate)
        } else {
            None
        };
        o.newlink = if T::HAS_NEWLINK {
            Some(LinkAdapter::<T>::newlink)
        } else {
            None
        };
        o.dellink = Some(LinkAdapter::<T>::dellink);
        o.changelink = if T::HAS_CHANGELINK {
            Some(LinkAdapter::<T>::changelink)
        } else {
            None
        };
        o.get_size = if T::HAS_GET_SIZE {
            Some(LinkAdapter::<T>::get_size)
        } else {
            None
        };
        o.fill_info = if T::HAS_FILL_INFO {
            Some(LinkAdapter::<T>::fill_info)
        } else {
            None
        };
        o.get_link_net = if T::HAS_GET_LINK_NET {
            Some(LinkAdapter::<T>::get_link_net)
        } else {
            None
        };
        // INVARIANT: Not registered yet.
        Self {
            ops: Opaque::new(o),
            registered: AtomicFlag::new(false),
            _p: PhantomData,
        }
    }

    pub(super) fn as_raw(&self) -> *mut bindings::rtnl_link_ops {
        self.ops.get()
    }
}

/// The C entry points of driver `T`'s `rtnl_link_ops`. Public only for
/// [`net_symbols!`](crate::net_symbols); calling one is the C side's job.
#[doc(hidden)]
pub struct LinkAdapter<T: LinkOps>(dev::Invariant<T>);

impl<T: LinkOps> LinkAdapter<T> {
    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn alloc(
        _tb: *mut *mut bindings::nlattr,
        ifname: *const c_char,
        name_assign_type: u8,
        num_tx: c_uint,
        num_rx: c_uint,
    ) -> *mut bindings::net_device {
        let (real_tx, real_rx) = match T::alloc_queues(num_tx, num_rx) {
            Ok(r) => r,
            Err(e) => return e.to_ptr(),
        };
        if !(1..=num_tx).contains(&real_tx) || !(1..=num_rx).contains(&real_rx) {
            crate::warn_on!(true);
            return EINVAL.to_ptr();
        }
        // SAFETY: `ifname` is a valid name; `setup` matches `priv_size`; the
        // core checked the queue counts.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                // Fits: checked by `priv_size`.
                dev::priv_size::<T>() as c_int,
                ifname,
                name_assign_type,
                Some(LinkAdapter::<T>::setup),
                num_tx,
                num_rx,
            )
        };
        if !dev.is_null() {
            // SAFETY: A fresh, unregistered device only we can see; the
            // counts are within the allocated queues (checked above).
            unsafe {
                (*dev).real_num_tx_queues = real_tx;
                (*dev).real_num_rx_queues = real_rx;
            }
        }
        dev
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn setup(dev: *mut bindings::net_device) {
        // SAFETY: Called by `alloc_netdev_mqs` with a private area of
        // `priv_size` (`size_of::<PrivArea<T>>()`) bytes.
        unsafe { dev::setup::<T>(dev) }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn validate(
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: The core passes tables of `IFLA_MAX + 1` and `maxtype + 1`
        // entries (data may be NULL) and a valid or NULL extack.
        let (tb, data, extack) = unsafe {
            (
                LinkAttrs::from_raw(tb),
                Attrs::from_raw(data, T::POLICY.len()),
                &mut ExtAck::from_raw(extack),
            )
        };
        from_result(|| T::validate(tb, data, extack).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn newlink(
        dev: *mut bindings::net_device,
        params: *mut bindings::rtnl_newlink_params,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        let state = NewLinkState {
            dev,
            peer_created: Cell::new(false),
            peer: Cell::new(ptr::null_mut()),
        };
        // SAFETY: `newlink` runs under RTNL with an unregistered device of
        // `T` that the core frees on failure, valid params and extack.
        let (rtnl, params, extack) = unsafe {
            (
                Rtnl::assume_held(),
                NewLinkParams::<T> {
                    raw: &*params,
                    state: &state,
                    _p: PhantomData,
                },
                &mut ExtAck::from_raw(extack),
            )
        };
        // INVARIANT: The core's new, unregistered device of `T`; the core owns
        // it (frees it on failure), `newlink` reaches it only through `ndev`.
        let ndev = NewDevice {
            dev,
            state: &state,
            owned: false,
            _p: PhantomData,
        };
        // By the `NewLinkDone` invariant an error leaves the device
        // unregistered, for the core to free.
        let Err(e) = T::newlink(rtnl, ndev, &params, extack).result else {
            return 0;
        };
        let peer = state.peer.get();
        if !peer.is_null() {
            // SAFETY: `newlink` registered the peer under this RTNL section,
            // so it is valid.
            let p = unsafe { dev::Device::from_raw(peer) };
            if p.is_registered() && !p.unregister_queued(rtnl) {
                // SAFETY: Registered, in no batch, RTNL held; it has no peer
                // (pairing needs the registered primary).
                unsafe { bindings::unregister_netdevice(peer) };
            }
        }
        e.to_errno()
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn dellink(
        dev: *mut bindings::net_device,
        head: *mut bindings::list_head,
    ) {
        // SAFETY: `dellink` runs under RTNL on a registered device of `T`
        // with a valid list head.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), DriverDevice::<T>::from_raw(dev)) };
        // INVARIANT: The core's list head is valid for the call, under RTNL;
        // the core calls `dellink` only while it builds a batch, outside any
        // other batch's unregistration.
        let mut list = UnregisterList {
            head,
            rtnl,
            core: true,
        };
        dellink_registered::<T>(&mut list, dev);
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn changelink(
        dev: *mut bindings::net_device,
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: As for `validate`, under RTNL, on a device of `T`.
        let (rtnl, dev, tb, data, extack) = unsafe {
            (
                Rtnl::assume_held(),
                DriverDevice::<T>::from_raw(dev),
                LinkAttrs::from_raw(tb),
                Attrs::from_raw(data, T::POLICY.len()),
                &mut ExtAck::from_raw(extack),
            )
        };
        from_result(|| T::changelink(rtnl, dev, tb, data, extack).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn get_size(dev: *const bindings::net_device) -> usize {
        // SAFETY: Called on a device of `T`.
        T::get_size(unsafe { DriverDevice::from_raw(dev) })
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn fill_info(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
    ) -> c_int {
        // SAFETY: Called under RTNL on a device of `T`, with the message
        // being built, which is ours for the call.
        let (rtnl, dev, msg) = unsafe {
            (
                Rtnl::assume_held(),
                DriverDevice::<T>::from_raw(dev),
                &mut *skb.cast::<Msg>(),
            )
        };
        from_result(|| T::fill_info(rtnl, dev, msg).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    pub unsafe extern "C" fn get_link_net(dev: *const bindings::net_device) -> *mut bindings::net {
        // SAFETY: Called under RTNL, in an RCU read-side section (e.g.
        // `rtnl_fill_ifinfo`), on a device of `T`.
        let (rtnl, dev) = unsafe { (RtnlAtomic::assume_held(), DriverDevice::<T>::from_raw(dev)) };
        T::get_link_net(rtnl, dev).as_raw()
    }
}

/// The highest `maxtype` `rtnl_link_register()` accepts (`RTNL_MAX_TYPE`
/// in `net/core/rtnetlink.c`).
const RTNL_MAX_TYPE: u32 = 50;

/// The `rtnl_link_ops` table of a link type, a `static` that
/// [`module_net_driver!`](crate::module_net_driver) defines.
///
/// # Safety
///
/// The module registers `Self`'s table (as `module_net_driver!` does), so
/// [`LinkOps::KIND`] is a kind of this module's: the symbol names that
/// [`net_symbols!`](crate::net_symbols) and
/// [`net_device_ops!`](crate::net_device_ops) accept rest on it.
#[doc(hidden)]
pub unsafe trait HasLinkOps {
    /// The table.
    fn link_ops() -> &'static LinkOpsTable<Self>
    where
        Self: LinkOps;
}
