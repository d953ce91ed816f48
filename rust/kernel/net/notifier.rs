// SPDX-License-Identifier: GPL-2.0

//! Netdevice notifiers.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h).

use crate::{
    bindings,
    error::{to_result, Result},
    ffi::{c_int, c_ulong, c_void},
    net::{dev::Device, rtnl::Rtnl},
    types::Opaque,
};
use core::marker::PhantomData;

/// A netdevice event (`NETDEV_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Event(c_ulong);

impl Event {
    /// `NETDEV_UNREGISTER`.
    pub const UNREGISTER: Event = Event(bindings::netdev_cmd_NETDEV_UNREGISTER as c_ulong);
}

/// Receives netdevice events of every namespace, under RTNL.
pub trait Notifier: Sized + 'static {
    /// The notifier block (a `static`).
    fn block() -> &'static Block<Self>;

    /// Called for each event.
    fn event(rtnl: &Rtnl, event: Event, dev: &Device);
}

/// The `notifier_block` of `T`.
pub struct Block<T: Notifier>(Opaque<bindings::notifier_block>, PhantomData<T>);

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
        // SAFETY: All-zero is a valid, unlinked block.
        let mut b: bindings::notifier_block =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        b.notifier_call = Some(Self::call);
        Self(Opaque::new(b), PhantomData)
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
        // under RTNL.
        let (rtnl, dev) = unsafe {
            (
                Rtnl::assume_held(),
                Device::from_raw(bindings::netdev_notifier_info_to_dev(ptr.cast())),
            )
        };
        T::event(rtnl, Event(event), dev);
        bindings::NOTIFY_DONE as c_int
    }
}

/// Keeps `T` registered (`register_netdevice_notifier`) until dropped.
pub struct Registration<T: Notifier>(PhantomData<T>);

impl<T: Notifier> Registration<T> {
    /// Registers `T::block()`.
    pub fn register() -> Result<Self> {
        // SAFETY: The block is a static.
        to_result(unsafe { bindings::register_netdevice_notifier(T::block().0.get()) })?;
        Ok(Self(PhantomData))
    }
}

impl<T: Notifier> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`.
        unsafe { bindings::unregister_netdevice_notifier(T::block().0.get()) };
    }
}
