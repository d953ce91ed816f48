// SPDX-License-Identifier: GPL-2.0

//! Fields of a driver's private data that the abstractions use.

use super::Driver;
use crate::bindings;
use core::{
    marker::PhantomData,
    ptr, //
};

/// `PrivField`'s type markers: invariant (no driver's field coerces to
/// another's; see [`Invariant`](super::Invariant)), and `Send`/`Sync`
/// whatever `T` and `F` are (it holds no value of either).
type Markers<T, F> = (fn(T) -> T, fn(F) -> F);

/// Where a field of type `F` (a facility of the abstractions, such as a
/// [`PeerSlot`](super::PeerSlot) or an [`Mprog`](crate::net::mprog::Mprog))
/// is in `T`'s private data; made by [`priv_field!`](crate::priv_field)
/// only.
///
/// # Invariants
///
/// `offset` is the offset of a field of type `F` of `T::Priv`, aligned for
/// `F` in the private area.
pub struct PrivField<T: Driver, F> {
    offset: usize,
    _p: PhantomData<Markers<T, F>>,
}

impl<T: Driver, F> Clone for PrivField<T, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Driver, F> Copy for PrivField<T, F> {}

impl<T: Driver, F> PrivField<T, F> {
    /// # Safety
    ///
    /// `offset` must be the offset of the field `field` projects to.
    #[doc(hidden)]
    pub const unsafe fn new(field: fn(&T::Priv) -> *const F, offset: usize) -> Self {
        let _ = field;
        // A packed `T::Priv` could place the field below `F`'s alignment;
        // the private area itself is `NETDEV_ALIGN`-aligned.
        assert!(
            offset % core::mem::align_of::<F>() == 0
                && core::mem::align_of::<F>() <= bindings::NETDEV_ALIGN as usize,
            "the field is not aligned"
        );
        // INVARIANT: `field` returns a pointer to a field of type `F` (its
        // type says so: raw pointers have no deref coercion), at `offset`
        // (the caller's promise), aligned (checked above).
        Self {
            offset,
            _p: PhantomData,
        }
    }

    /// The field in `data`.
    ///
    /// Private: a driver reads its own fields directly, and a `PrivField`
    /// it made for a field of a union could read bytes a different member
    /// initialised. `F` of the abstractions' facilities is never `Copy`, so
    /// never the type of a union's field.
    #[inline(always)]
    pub(crate) fn get<'a>(&self, data: &'a T::Priv) -> &'a F {
        // SAFETY: By the type invariant an aligned, initialised `F` is at
        // `offset` in `data`.
        unsafe {
            &*ptr::from_ref(data)
                .cast::<u8>()
                .add(self.offset)
                .cast::<F>()
        }
    }
}

/// The [`PrivField`] of field `$field` of `$T`'s private data.
///
/// The field must be of the facility's type itself, not of a type that
/// dereferences to it, and directly in the private data type.
#[macro_export]
macro_rules! priv_field {
    ($T:ty, $field:ident) => {
        // SAFETY: `offset_of!` takes a field of the type itself (no
        // auto-deref), the same one the function projects to, whose raw
        // pointer has exactly the field's type (no deref coercion).
        unsafe {
            $crate::net::dev::PrivField::<$T, _>::new(
                |p: &<$T as $crate::net::dev::Driver>::Priv| &raw const p.$field,
                ::core::mem::offset_of!(<$T as $crate::net::dev::Driver>::Priv, $field),
            )
        }
    };
}
