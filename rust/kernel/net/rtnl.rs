// SPDX-License-Identifier: GPL-2.0

//! Routing netlink: the RTNL lock, network namespaces, link types
//! (`rtnl_link_ops`), netlink attributes and extended acks.
//!
//! C headers: [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h),
//! [`include/net/netlink.h`](srctree/include/net/netlink.h).

use crate::{
    bindings,
    types::{
        NotThreadSafe,
        Opaque, //
    }, //
};

mod attr;
mod extack;
mod link;
mod module;
mod newlink;
mod registration;
mod symbols;
mod unregister;

pub use attr::{
    ifla, nla_total_size, Attr, Attrs, IfName, LinkAttrs, Msg, NlaType, PeerAttrs, Policy,
    PolicyEntry, PolicyTable,
};
pub use extack::ExtAck;
pub use link::{HasLinkOps, LinkAdapter, LinkOps, LinkOpsTable};
pub use newlink::{NameAssign, NewDevice, NewLinkDone, NewLinkParams, Peer, Primary, Registered};
pub use registration::Registration;
#[doc(hidden)]
pub use symbols::symbol_name_ok;
pub use unregister::dellink_leasees;
pub(crate) use unregister::UnregisterList;

/// Proof that the RTNL lock is held, by a context that may sleep.
///
/// Only ever seen by reference, from a callback the core runs under RTNL
/// and outside atomic sections (or from [`Rtnl::lock`], which safe code
/// cannot call): the sleeping functions of `kernel::net` take one. A shared
/// `&Rtnl` is what `newlink` and most callbacks get; unregistering devices
/// ([`dellink_leasees`]) needs an exclusive `&mut Rtnl`, which only
/// notifiers get. A callback the core runs under RTNL but in an RCU
/// read-side section gets an [`RtnlAtomic`] instead.
pub struct Rtnl {
    _nts: NotThreadSafe,
    /// A device not to unregister with this token: the one a notifier's
    /// event is about (the core goes on using it after the event).
    pub(crate) busy: *const bindings::net_device,
}

/// Proof that the RTNL lock is held, in an atomic section (no sleeping).
///
/// `get_link_net` gets one: the core calls it under `rcu_read_lock()`.
pub struct RtnlAtomic(NotThreadSafe);

mod private {
    pub trait Sealed {}
}

/// A proof that RTNL is held, whether the context may sleep or not; what
/// reads under RTNL take. Sealed.
pub trait RtnlHeld: private::Sealed {}

impl private::Sealed for Rtnl {}
impl RtnlHeld for Rtnl {}
impl private::Sealed for RtnlAtomic {}
impl RtnlHeld for RtnlAtomic {}

impl RtnlAtomic {
    /// Returns a token for an atomic context the core runs under RTNL.
    ///
    /// # Safety
    ///
    /// The RTNL lock must be held for `'a`.
    pub(crate) unsafe fn assume_held<'a>() -> &'a RtnlAtomic {
        // SAFETY: Checks the caller's promise where lockdep can.
        unsafe { bindings::ASSERT_RTNL() };
        static TOKEN: RtnlAtomicToken = RtnlAtomicToken(RtnlAtomic(NotThreadSafe));
        &TOKEN.0
    }
}

struct RtnlAtomicToken(RtnlAtomic);
// SAFETY: The token carries no data; only `assume_held`'s contract gives a
// reference meaning.
unsafe impl Sync for RtnlAtomicToken {}

/// Holds the RTNL lock; released on drop.
pub struct RtnlGuard(Rtnl);

impl Rtnl {
    /// Takes the RTNL lock (`rtnl_lock`).
    ///
    /// # Safety
    ///
    /// The caller must be in a context that may sleep and holds no RCU
    /// read lock, spinlock, or RTNL already; a guard it leaks keeps RTNL
    /// held forever.
    pub unsafe fn lock() -> RtnlGuard {
        // SAFETY: The caller may sleep and does not hold RTNL.
        unsafe { bindings::rtnl_lock() };
        // INVARIANT: RTNL was just taken.
        RtnlGuard(Rtnl {
            _nts: NotThreadSafe,
            busy: core::ptr::null(),
        })
    }

    /// Returns a token for a context the core runs under RTNL.
    ///
    /// # Safety
    ///
    /// The RTNL lock must be held for `'a`, in a context that may sleep.
    #[inline]
    pub(crate) unsafe fn assume_held<'a>() -> &'a Rtnl {
        // SAFETY: Checks the caller's promise where lockdep can.
        unsafe { bindings::ASSERT_RTNL() };
        static TOKEN: RtnlToken = RtnlToken(Rtnl {
            _nts: NotThreadSafe,
            busy: core::ptr::null(),
        });
        &TOKEN.0
    }

    /// Returns an exclusive token for a context the core runs under RTNL
    /// and in which devices may be unregistered.
    ///
    /// # Safety
    ///
    /// The RTNL lock must be held while the result is used, in a context
    /// that may sleep, and the context must not be handed this crate's
    /// `Registered` devices (as `newlink` is): a batch it queues could then
    /// hold a device that `newlink` goes on to pair. (A notifier called
    /// during `newlink`'s registrations only sees `&Device`, and its batch
    /// ends before it returns.) `busy` is a device the caller goes on using
    /// after the token's user returns (NULL: none).
    pub(crate) unsafe fn assume_held_mut(busy: *const bindings::net_device) -> Rtnl {
        // SAFETY: As in `assume_held`.
        unsafe { bindings::ASSERT_RTNL() };
        Rtnl {
            _nts: NotThreadSafe,
            busy,
        }
    }
}

struct RtnlToken(Rtnl);
// SAFETY: The token carries no data; holding a reference proves nothing by
// itself, only `assume_held`'s contract does.
unsafe impl Sync for RtnlToken {}

impl core::ops::Deref for RtnlGuard {
    type Target = Rtnl;

    fn deref(&self) -> &Rtnl {
        &self.0
    }
}

impl core::ops::DerefMut for RtnlGuard {
    fn deref_mut(&mut self) -> &mut Rtnl {
        &mut self.0
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: The lock was taken in `Rtnl::lock`.
        unsafe { bindings::rtnl_unlock() };
    }
}

/// A network namespace (`struct net`), seen by reference for as long as it
/// is known to be live.
///
/// # Invariants
///
/// The namespace is live while the reference is.
#[repr(transparent)]
pub struct Net(Opaque<bindings::net>);

impl Net {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `p` must be a live namespace for `'a`.
    pub unsafe fn from_raw<'a>(p: *mut bindings::net) -> &'a Net {
        // SAFETY: Transparent wrapper; liveness per the caller.
        // INVARIANT: Live for `'a`, per the caller.
        unsafe { &*p.cast() }
    }

    /// The caller's namespace (`current->nsproxy->net_ns`).
    ///
    /// # Safety
    ///
    /// The caller must be in a syscall of the current task for `'a` (its
    /// nsproxy holds the namespace).
    #[cfg(CONFIG_BPF_SYSCALL)]
    pub(crate) unsafe fn current<'a>() -> &'a Net {
        // SAFETY: `current` is valid and, in syscall context, has an nsproxy
        // that holds a reference on its namespace.
        unsafe { Net::from_raw((*(*bindings::get_current()).nsproxy).net_ns) }
    }

    /// The raw pointer.
    pub(crate) fn as_raw(&self) -> *mut bindings::net {
        self.0.get()
    }
}
