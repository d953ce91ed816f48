// SPDX-License-Identifier: GPL-2.0

//! What `newlink` works with: the new device, its parameters, a peer, and
//! the proof that a device was registered.
//!
//! The core's contracts are in the types: `newlink` returns a
//! [`Registered`] that only [`NewDevice::register`] makes (the core frees the
//! device when `newlink` fails, so it must not be registered then); a peer
//! that `newlink` registered is unregistered by the adapter if `newlink`
//! fails after all; peers are paired once, by [`Registered::pair`], and
//! unpaired by the adapter's `dellink` before either is unregistered.

use super::{
    Attrs,
    ExtAck,
    IfName,
    LinkAttrs,
    LinkOps,
    Net,
    Rtnl, //
};
use crate::{
    bindings,
    error::to_result,
    ffi::c_char,
    net::dev::{
        self,
        DriverDevice,
        Invariant, //
    },
    prelude::*, //
};
use core::{
    cell::Cell,
    marker::PhantomData,
    ptr, //
};

/// How an interface name was chosen (`NET_NAME_*`).
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum NameAssign {
    /// Enumerated by the kernel (`NET_NAME_ENUM`).
    Enum = bindings::NET_NAME_ENUM as u8,
    /// Given by user space (`NET_NAME_USER`).
    User = bindings::NET_NAME_USER as u8,
}

/// What the adapter must undo if `newlink` fails.
pub(super) struct NewLinkState {
    /// The device the core passed.
    pub(super) dev: *mut bindings::net_device,
    /// A peer has been created (one per `newlink`).
    pub(super) peer_created: Cell<bool>,
    /// The peer `newlink` created and registered.
    pub(super) peer: Cell<*mut bindings::net_device>,
}

/// The parameters of `newlink` (`struct rtnl_newlink_params`).
pub struct NewLinkParams<'a, T: LinkOps> {
    pub(super) raw: &'a bindings::rtnl_newlink_params,
    pub(super) state: &'a NewLinkState,
    pub(super) _p: Invariant<T>,
}

impl<'a, T: LinkOps> NewLinkParams<'a, T> {
    /// The link attributes (`tb`).
    pub fn tb(&self) -> LinkAttrs<'a> {
        // SAFETY: `tb` has `IFLA_MAX + 1` entries for the call.
        unsafe { LinkAttrs::from_raw(self.raw.tb) }
    }

    /// The kind-specific attributes (`data`), parsed with `T::POLICY`.
    pub fn data(&self) -> Attrs<'a> {
        // SAFETY: `data` is NULL or has `maxtype + 1` entries (`T::POLICY`'s
        // length) for the call.
        unsafe { Attrs::from_raw(self.raw.data, T::POLICY.len()) }
    }

    /// The namespace the peer goes to (`rtnl_newlink_peer_net`).
    pub fn peer_net(&self) -> &'a Net {
        // SAFETY: `params` is valid for the call and holds a reference on
        // the namespace it returns.
        unsafe {
            Net::from_raw(bindings::rtnl_newlink_peer_net(
                ptr::from_ref(self.raw).cast_mut(),
            ))
        }
    }

    /// Allocates a peer device of `T` in [`NewLinkParams::peer_net`]
    /// (`rtnl_create_link`), set up from `tb`. One peer per `newlink`:
    /// `EBUSY` for a second.
    pub fn create_peer(
        &self,
        _rtnl: &'a Rtnl,
        name: &IfName,
        assign: NameAssign,
        tb: LinkAttrs<'_>,
        extack: &mut ExtAck,
    ) -> Result<NewDevice<'a, T, Peer>> {
        if self.state.peer_created.replace(true) {
            return Err(EBUSY);
        }
        // SAFETY: RTNL is held (`_rtnl`); the namespace is the one the core
        // checked the caller's rights in; `tb` has `IFLA_MAX + 1` entries;
        // the ops table is the one the core created the primary device
        // with, registered; `name` is NUL-terminated.
        let dev = unsafe {
            bindings::rtnl_create_link(
                self.peer_net().as_raw(),
                name.as_bytes().as_ptr().cast(),
                assign as u8,
                (*self.state.dev).rtnl_link_ops,
                tb.as_raw(),
                extack.as_raw(),
            )
        };
        let dev = crate::error::from_err_ptr(dev)?;
        // INVARIANT: A fresh device of `T`, not registered, that only this
        // `NewDevice` reaches and owns (`rtnl_create_link` set it up with `T`'s
        // link ops).
        Ok(NewDevice {
            dev,
            state: self.state,
            owned: true,
            _p: PhantomData,
        })
    }
}

/// Marks the device the core passes to `newlink`.
pub enum Primary {}
/// Marks a peer `newlink` creates.
pub enum Peer {}

/// A device allocated for `T` that is not registered yet: only its creator
/// can reach it.
///
/// # Invariants
///
/// `dev` is a valid, unregistered device set up by `T`, reachable only
/// through `self`. A `Primary` one belongs to the core (which frees it if
/// `newlink` fails), a `Peer` one to `self` until registered.
pub struct NewDevice<'a, T: LinkOps, K = Primary> {
    pub(super) dev: *mut bindings::net_device,
    pub(super) state: &'a NewLinkState,
    /// Whether dropping `self` frees the device (an unregistered peer).
    pub(super) owned: bool,
    pub(super) _p: PhantomData<(&'a (), Invariant<T>, K)>,
}

impl<'a, T: LinkOps, K> NewDevice<'a, T, K> {
    /// The device.
    pub fn dev(&self) -> &DriverDevice<T> {
        // SAFETY: The device was set up by `T`, valid while `self` lives.
        unsafe { DriverDevice::from_raw(self.dev) }
    }

    /// The driver's private data, mutable until registration.
    pub fn data_mut(&mut self) -> Pin<&mut T::Priv> {
        let data = DriverDevice::<T>::data_ptr(self.dev);
        // SAFETY: The data is initialised; nothing else can reach the
        // unregistered device (type invariant), and `&mut self` excludes
        // `dev()` borrows; the data is pinned in the device allocation.
        unsafe { Pin::new_unchecked(&mut *data) }
    }

    /// Sets the name (may be a `%d` template).
    pub fn set_name(&mut self, name: &IfName) {
        // SAFETY: The device is ours; `name` is NUL-terminated within IFNAMSIZ.
        unsafe { (*self.dev).name = name.as_bytes().map(|b| b as c_char) };
    }

    /// Sets the ifindex to register with (registration checks it).
    pub fn set_ifindex(&mut self, ifindex: i32) {
        // SAFETY: The device is ours.
        unsafe { (*self.dev).ifindex = ifindex };
    }

    /// Copies the TSO limits of `from` (`netif_inherit_tso_max`).
    pub fn inherit_tso_max(&mut self, from: &dev::Device) {
        // SAFETY: The device is ours; `from` is valid and its limits are
        // read once each.
        unsafe { bindings::netif_inherit_tso_max(self.dev, from.as_raw()) }
    }

    /// Sets a random unicast MAC address (`eth_hw_addr_random`).
    pub fn eth_hw_addr_random(&mut self) {
        // SAFETY: The device is ours and not registered: no one else reads
        // or announces its address yet.
        unsafe { bindings::eth_hw_addr_random(self.dev) }
    }

    /// Advertises AF_XDP zero-copy support (`xdp_set_features_flag`); only
    /// for a driver that forwards AF_XDP to leased queues
    /// (`xsk_pool_enable`, `xsk_wakeup`).
    pub fn set_xdp_features_xsk(&mut self) {
        const {
            assert!(
                T::HAS_XSK_POOL_ENABLE && T::HAS_XSK_WAKEUP,
                "AF_XDP zero-copy needs xsk_pool_enable and xsk_wakeup"
            )
        };
        // SAFETY: The device is ours and not yet registered.
        unsafe { bindings::xdp_set_features_flag(self.dev, bindings::NETDEV_XDP_ACT_XSK) }
    }

    fn register_raw(&self) -> Result<&'a DriverDevice<T>> {
        // SAFETY: The device is set up and ours; RTNL is held (callers).
        to_result(unsafe { bindings::register_netdevice(self.dev) })?;
        // SAFETY: Registered devices are not freed while RTNL is held, which
        // the `newlink` call holds for `'a`.
        Ok(unsafe { DriverDevice::from_raw(self.dev) })
    }
}

impl<'a, T: LinkOps> NewDevice<'a, T, Primary> {
    /// Registers the device (`register_netdevice`) and, if that worked,
    /// finishes with `f`, which cannot fail: what `newlink` returns.
    pub fn register(
        self,
        _rtnl: &'a Rtnl,
        f: impl FnOnce(&Registered<'a, T>),
    ) -> NewLinkDone<'a, T> {
        let dev = match self.register_raw() {
            Ok(dev) => dev,
            Err(e) => return NewLinkDone::new(Err(e)),
        };
        f(&Registered {
            dev,
            _p: PhantomData,
        });
        NewLinkDone::new(Ok(()))
    }

    /// Fails `newlink` with `e`, without registering the device.
    pub fn fail(self, e: Error) -> NewLinkDone<'a, T> {
        NewLinkDone::new(Err(e))
    }
}

/// An invariant lifetime: `Brand<'a>` is only `Brand<'a>`.
type Brand<'a> = fn(&'a ()) -> &'a ();

/// What `newlink` returns, made only by [`NewDevice::register`] or
/// [`NewDevice::fail`], which consume the device the core passed: once it
/// is registered, `newlink` cannot fail (the core would free a registered
/// device).
///
/// # Invariants
///
/// `result` is an error only if the device is not registered.
pub struct NewLinkDone<'a, T: LinkOps> {
    pub(super) result: Result,
    _p: PhantomData<(Brand<'a>, Invariant<T>)>,
}

impl<'a, T: LinkOps> NewLinkDone<'a, T> {
    fn new(result: Result) -> Self {
        // INVARIANT: Callers pass an error only before registering.
        Self {
            result,
            _p: PhantomData,
        }
    }
}

impl<'a, T: LinkOps> NewDevice<'a, T, Peer> {
    /// Registers the peer (`register_netdevice`); the adapter unregisters it
    /// again if `newlink` fails.
    pub fn register(mut self, _rtnl: &'a Rtnl) -> Result<Registered<'a, T, Peer>> {
        let dev = self.register_raw()?;
        self.state.peer.set(self.dev);
        // Registered: unregistration frees it now.
        self.owned = false;
        Ok(Registered {
            dev,
            _p: PhantomData,
        })
    }
}

impl<T: LinkOps, K> Drop for NewDevice<'_, T, K> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: We allocated the peer and never registered it.
            unsafe { bindings::free_netdev(self.dev) };
        }
    }
}

/// A device `newlink` registered, for the rest of the call.
pub struct Registered<'a, T: LinkOps, K = Primary> {
    dev: &'a DriverDevice<T>,
    _p: PhantomData<K>,
}

impl<'a, T: LinkOps, K> core::ops::Deref for Registered<'a, T, K> {
    type Target = DriverDevice<T>;

    fn deref(&self) -> &DriverDevice<T> {
        self.dev
    }
}

impl<'a, T: LinkOps, K> Registered<'a, T, K> {
    /// Changes `dev->flags` as `SIOCSIFFLAGS` would (`dev_change_flags`).
    ///
    /// Only here, in `newlink`: a device's own `ndo_open`/`ndo_stop` calling
    /// it would recurse into itself. `EINVAL` if a notifier unregistered the
    /// device meanwhile.
    pub fn change_flags(&self, rtnl: &'a Rtnl, flags: dev::Flags) -> Result {
        if !self.dev.is_live(rtnl) {
            return Err(EINVAL);
        }
        // SAFETY: The device is registered, under RTNL, which the function
        // needs; a NULL extack is allowed.
        to_result(unsafe {
            bindings::dev_change_flags(self.dev.as_raw(), flags.bits(), ptr::null_mut())
        })
    }
}

impl<'a, T: LinkOps> Registered<'a, T> {
    /// Publishes the two devices as each other's peer (in the slot
    /// [`Driver::PAIR`](crate::net::dev::Driver::PAIR) names); the
    /// adapter's `dellink` unpublishes both
    /// before either is unregistered. Devices
    /// that are no longer registered, or already paired, are left as they
    /// are (a driver bug: warns once).
    ///
    /// `newlink` holds a shared [`Rtnl`], so it cannot queue either device
    /// for unregistration ([`dellink_leasees`](super::dellink_leasees)
    /// needs `&mut Rtnl`); a device
    /// a notifier unregistered meanwhile is no longer registered.
    pub fn pair(&self, rtnl: &'a Rtnl, peer: Registered<'a, T, Peer>) {
        const {
            assert!(
                T::PAIR.is_some(),
                "the driver makes no pairs (Driver::PAIR)"
            )
        };
        let (a, b) = (self.dev, peer.dev);
        if crate::warn_on!(
            !a.is_live(rtnl)
                || !b.is_live(rtnl)
                || a.peer_rtnl(rtnl).is_some()
                || b.peer_rtnl(rtnl).is_some()
        ) {
            return;
        }
        // SAFETY: Both devices are registered and unpaired; every way to
        // unregister a device of `T` goes through `dellink` (the core's
        // dellink, netns and module teardown, `dellink_leasees`), which takes
        // both pointers first.
        unsafe {
            b.set_peer(rtnl, a);
            a.set_peer(rtnl, b);
        }
    }
}

impl<'a, T: LinkOps> Registered<'a, T, Peer> {
    /// Announces the peer (`rtnl_configure_link`), as the core does for the
    /// device it passed; `EINVAL` if a notifier unregistered it meanwhile.
    pub fn configure(&self, rtnl: &'a Rtnl) -> Result {
        if !self.dev.is_live(rtnl) {
            return Err(EINVAL);
        }
        // SAFETY: The device was registered by this `newlink` and still is,
        // under RTNL; NULL message arguments are allowed.
        to_result(unsafe {
            bindings::rtnl_configure_link(self.dev.as_raw(), ptr::null_mut(), 0, ptr::null_mut())
        })
    }
}
