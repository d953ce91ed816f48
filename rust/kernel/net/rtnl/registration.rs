// SPDX-License-Identifier: GPL-2.0

//! Registering a link type, and the devices a module starts with.

use super::{
    link::LinkAdapter,
    IfName,
    LinkOps,
    LinkOpsTable,
    NameAssign, //
};
use crate::{
    bindings,
    error::to_result,
    ffi::c_int,
    net::dev,
    prelude::*,
    sync::atomic::{
        Acquire,
        Release, //
    }, //
};

/// Keeps a link type registered (`rtnl_link_register`) until dropped.
///
/// Drivers do not hold one: [`module_net_driver!`](crate::module_net_driver)
/// keeps it in the module, which drops it before the module's code and
/// statics go.
///
/// # Invariants
///
/// `self.0` is registered with the core and its `registered` flag is set.
pub struct Registration<T: LinkOps>(&'static LinkOpsTable<T>);

impl<T: LinkOps> Registration<T> {
    /// Registers `T::link_ops()`; `EEXIST` if it or its kind already is.
    ///
    /// # Safety
    ///
    /// The caller may sleep, and drops the result before the module that
    /// holds `T`'s code and table is unloaded (leaking it would leave the
    /// core's list pointing into freed memory).
    pub unsafe fn register() -> Result<Self> {
        let table = T::link_ops();
        if table.registered.xchg(true, Acquire) {
            return Err(EEXIST);
        }
        // SAFETY: The table is a static with a valid setup and dellink, and
        // the flag above keeps it from being registered twice; the caller
        // may sleep.
        let ret = to_result(unsafe { bindings::rtnl_link_register(table.as_raw()) });
        if let Err(e) = ret {
            table.registered.store(false, Release);
            return Err(e);
        }
        // INVARIANT: Registered, flag set.
        Ok(Self(table))
    }

    /// Creates and registers a device of the link type, named after `name`
    /// (`alloc_netdev` + `register_netdev`, as a module creates the devices
    /// it starts with). The device belongs to the core, which deletes it
    /// when user space does or when the link type is unregistered. May
    /// sleep; drivers get a registration only in
    /// [`LinkOps::module_init`], which may.
    pub fn add_device(&self, name: &IfName, assign: NameAssign) -> Result {
        crate::task::might_sleep();
        // SAFETY: `name` is NUL-terminated within `IFNAMSIZ`; `setup` matches
        // `priv_size`; one queue each way, as `alloc_netdev`. The new device
        // is only ours until registered; the link type is registered (type
        // invariant) and stays so while the device exists: unregistering it
        // deletes its devices. `register_netdev` takes RTNL itself; on
        // failure the device is ours to free.
        unsafe {
            let dev = bindings::alloc_netdev_mqs(
                // Fits: checked by `priv_size`.
                dev::priv_size::<T>() as c_int,
                name.as_bytes().as_ptr().cast(),
                assign as u8,
                Some(LinkAdapter::<T>::setup),
                1,
                1,
            );
            if dev.is_null() {
                return Err(ENOMEM);
            }
            (*dev).rtnl_link_ops = self.0.as_raw();
            let ret = to_result(bindings::register_netdev(dev));
            if ret.is_err() {
                bindings::free_netdev(dev);
            }
            ret
        }
    }
}

impl<T: LinkOps> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the table is registered.
        unsafe { bindings::rtnl_link_unregister(self.0.as_raw()) };
        self.0.registered.store(false, Release);
    }
}
