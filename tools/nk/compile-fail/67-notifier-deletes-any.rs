// SPDX-License-Identifier: GPL-2.0

//! A notifier cannot delete devices of its driver at will: one the core is
//! in the middle of changing (moving to another namespace, being linked
//! under an upper device) would be freed under it. It deletes only the
//! devices leasing queues of a device being unregistered.

// expect: E0425
// expect-msg: cannot find function `dellink` in module `rtnl`

use kernel::net::{
    dev::Device,
    notifier::{Event, Notifier},
    rtnl::{self, LinkOps, Rtnl},
};

/// A notifier of driver `T`.
pub struct N<T>(core::marker::PhantomData<T>);

impl<T: LinkOps> Notifier for N<T> {
    fn event(rtnl: &mut Rtnl, _event: Event, dev: &Device) {
        if let Some(d) = dev.downcast::<T>() {
            rtnl::unregister_many(rtnl, |list| rtnl::dellink(list, d));
        }
    }
}
