// SPDX-License-Identifier: GPL-2.0

//! RCU read-side proofs.

use crate::{
    sync::rcu,
    types::NotThreadSafe, //
};

mod private {
    pub trait Sealed {}
}
pub(crate) use private::Sealed;

/// Proof of an RCU read-side critical section.
///
/// Sealed: only this crate's context tokens implement it, and each is only
/// lent out for a callback that runs in the section, so it cannot be leaked
/// (unlike an owned [`rcu::Guard`]).
pub trait RcuRead: Sealed {}

/// An RCU read-side critical section the current context is in: one the
/// core entered before calling a driver (e.g. `ndo_get_peer_dev`), or one
/// the adapter holds around a callback (e.g. `ndo_get_iflink`).
pub struct RcuHeld(NotThreadSafe);

impl Sealed for RcuHeld {}
impl RcuRead for RcuHeld {}

impl RcuHeld {
    /// # Safety
    ///
    /// The caller must be in an RCU read-side critical section for `'a`.
    pub(super) unsafe fn assume<'a>() -> &'a RcuHeld {
        // Checks the caller's promise where lockdep can.
        #[cfg(CONFIG_PROVE_RCU)]
        // SAFETY: FFI call without preconditions.
        crate::warn_on!(unsafe { crate::bindings::rcu_read_lock_any_held() } == 0);
        static TOKEN: RcuHeldToken = RcuHeldToken(RcuHeld(NotThreadSafe));
        &TOKEN.0
    }

    /// Runs `f` in an RCU read-side critical section (`rcu_read_lock`);
    /// nothing borrowed from the token outlives `f`.
    ///
    /// Private: a driver gets RCU sections from the callbacks that run in
    /// one (or that the adapter runs in one), none of which also proves a
    /// context that may sleep ([`Rtnl`](crate::net::rtnl::Rtnl)).
    #[inline]
    pub(crate) fn with_read_lock<R>(f: impl for<'a> FnOnce(&'a RcuHeld) -> R) -> R {
        let _guard = rcu::read_lock();
        // SAFETY: `_guard` holds the read lock until after `f` returns, and
        // `f` cannot keep the token.
        f(unsafe { RcuHeld::assume() })
    }
}

struct RcuHeldToken(RcuHeld);
// SAFETY: The token carries no data; only `RcuHeld::assume`'s contract gives
// a reference meaning.
unsafe impl Sync for RcuHeldToken {}
