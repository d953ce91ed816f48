// SPDX-License-Identifier: GPL-2.0

//! Netdevice notifiers.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h).
//!
//! # Examples
//!
//! Registration replays the devices that exist (at least `lo`) to the new
//! notifier, unregistration replays their removal:
//!
//! ```
//! use kernel::net::{
//!     dev::Device,
//!     notifier::{Block, Event, HasBlock, Notifier, Registration},
//!     rtnl::Rtnl,
//! };
//! use kernel::sync::atomic::{Atomic, Relaxed};
//!
//! static REGISTERED: Atomic<u32> = Atomic::new(0);
//! static UNREGISTERED: Atomic<u32> = Atomic::new(0);
//! static NO_IFINDEX: Atomic<u32> = Atomic::new(0);
//!
//! struct Counter;
//!
//! impl Notifier for Counter {
//!     fn event(_rtnl: &mut Rtnl, event: Event, dev: &Device) {
//!         if dev.ifindex() <= 0 {
//!             NO_IFINDEX.add(1, Relaxed);
//!         }
//!         if event == Event::REGISTER {
//!             REGISTERED.add(1, Relaxed);
//!         } else if event == Event::UNREGISTER {
//!             UNREGISTERED.add(1, Relaxed);
//!         }
//!     }
//! }
//!
//! impl HasBlock for Counter {
//!     fn block() -> &'static Block<Self> {
//!         static BLOCK: Block<Counter> = Block::new();
//!         &BLOCK
//!     }
//! }
//!
//! // SAFETY: A test may sleep; the registration is dropped below.
//! let registration = unsafe { Registration::<Counter>::register() }?;
//! assert!(REGISTERED.load(Relaxed) >= 1);
//! // The block is on the chain once at most.
//! // SAFETY: As above.
//! assert_eq!(unsafe { Registration::<Counter>::register() }.err(), Some(EEXIST));
//! drop(registration);
//! assert!(UNREGISTERED.load(Relaxed) >= 1);
//! assert_eq!(NO_IFINDEX.load(Relaxed), 0);
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    error::{
        code::EEXIST,
        to_result,
        Result, //
    },
    ffi::{
        c_int,
        c_ulong,
        c_void, //
    },
    net::{
        dev::Device,
        rtnl::Rtnl, //
    },
    sync::atomic::{
        Acquire,
        AtomicFlag,
        Release, //
    },
    types::Opaque, //
};
use core::marker::PhantomData;

/// A netdevice event (`NETDEV_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Event(c_ulong);

impl Event {
    /// `NETDEV_REGISTER`.
    pub const REGISTER: Event = Event(bindings::netdev_cmd_NETDEV_REGISTER as c_ulong);
    /// `NETDEV_UNREGISTER`.
    pub const UNREGISTER: Event = Event(bindings::netdev_cmd_NETDEV_UNREGISTER as c_ulong);
}

/// Receives netdevice events of every namespace, under RTNL; registered by
/// [`module_net_driver!`](crate::module_net_driver).
pub trait Notifier: Sized + 'static {
    /// Called for each event, with the exclusive RTNL token: it may
    /// delete devices ([`dellink_leasees`](crate::net::rtnl::dellink_leasees)).
    fn event(rtnl: &mut Rtnl, event: Event, dev: &Device);
}

/// The notifier block of `T`, a `static` that
/// [`module_net_driver!`](crate::module_net_driver) defines.
#[doc(hidden)]
pub trait HasBlock: Notifier {
    /// The block.
    fn block() -> &'static Block<Self>;
}

/// The `notifier_block` of `T`.
///
/// # Invariants
///
/// `registered` is true while a [`Registration`] holds the block, so it is
/// never on the chain twice.
pub struct Block<T: Notifier> {
    nb: Opaque<bindings::notifier_block>,
    registered: AtomicFlag,
    _p: crate::net::dev::Invariant<T>,
}

// SAFETY: The notifier chain code serialises its writes to the block.
unsafe impl<T: Notifier> Sync for Block<T> {}

impl<T: Notifier> Default for Block<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Notifier> Block<T> {
    /// A block calling `T::event`.
    pub const fn new() -> Self {
        let mut b: bindings::notifier_block = pin_init::zeroed();
        b.notifier_call = Some(Self::call);
        // INVARIANT: Not registered yet.
        Self {
            nb: Opaque::new(b),
            registered: AtomicFlag::new(false),
            _p: PhantomData,
        }
    }

    /// # Safety
    ///
    /// Only called by the C side, through the table it is stored in, with the
    /// arguments and locks its C contract gives.
    unsafe extern "C" fn call(
        _nb: *mut bindings::notifier_block,
        event: c_ulong,
        ptr: *mut c_void,
    ) -> c_int {
        // SAFETY: Netdevice notifiers get a `netdev_notifier_info` and run
        // under RTNL; `T::event` is handed no `Registered` device.
        let (mut rtnl, dev) = unsafe {
            let dev = bindings::netdev_notifier_info_to_dev(ptr.cast());
            (Rtnl::assume_held_mut(dev), Device::from_raw(dev))
        };
        T::event(&mut rtnl, Event(event), dev);
        bindings::NOTIFY_DONE as c_int
    }
}

/// Keeps `T` registered (`register_netdevice_notifier`) until dropped.
///
/// Drivers do not hold one: [`module_net_driver!`](crate::module_net_driver)
/// keeps it in the module.
///
/// # Invariants
///
/// `self.0` is on the netdevice notifier chain and its `registered` flag is
/// set.
pub struct Registration<T: HasBlock>(&'static Block<T>);

impl<T: HasBlock> Registration<T> {
    /// Registers `T::block()`; `EEXIST` if it already is.
    ///
    /// The core first replays `NETDEV_REGISTER` and `NETDEV_UP` of every
    /// existing device to it.
    ///
    /// # Safety
    ///
    /// The caller may sleep, and drops the result before the module that
    /// holds `T`'s code and block is unloaded.
    pub unsafe fn register() -> Result<Self> {
        let block = T::block();
        if block.registered.xchg(true, Acquire) {
            return Err(EEXIST);
        }
        // SAFETY: The block is a static and, by the flag above, not on the
        // chain; the caller may sleep.
        let ret = to_result(unsafe { bindings::register_netdevice_notifier(block.nb.get()) });
        if let Err(e) = ret {
            block.registered.store(false, Release);
            return Err(e);
        }
        // INVARIANT: On the chain, flag set.
        Ok(Self(block))
    }
}

impl<T: HasBlock> Drop for Registration<T> {
    /// Unregisters the block; the core replays `NETDEV_GOING_DOWN`,
    /// `NETDEV_DOWN` and `NETDEV_UNREGISTER` of every device to it first.
    fn drop(&mut self) {
        // SAFETY: By the type invariant the block is on the chain.
        unsafe { bindings::unregister_netdevice_notifier(self.0.nb.get()) };
        self.0.registered.store(false, Release);
    }
}
