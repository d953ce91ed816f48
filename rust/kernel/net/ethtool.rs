// SPDX-License-Identifier: GPL-2.0

//! ethtool operations.
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h).

use crate::{
    bindings,
    prelude::*,
    types::Opaque, //
};

/// Driver information (`struct ethtool_drvinfo`).
#[repr(transparent)]
pub struct DrvInfo(Opaque<bindings::ethtool_drvinfo>);

impl DrvInfo {
    /// Creates a reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `p` must be valid and exclusively ours for `'a`.
    pub(crate) unsafe fn from_raw<'a>(p: *mut bindings::ethtool_drvinfo) -> &'a mut DrvInfo {
        // SAFETY: Transparent wrapper; validity per the caller.
        unsafe { &mut *p.cast() }
    }

    /// Sets the driver name (`strscpy(info->driver, ..)`).
    pub fn set_driver(&mut self, name: &CStr) {
        // SAFETY: `self` is valid; the field is a fixed-size char array.
        let d = unsafe { &mut (*self.0.get()).driver };
        let b = name.to_bytes();
        let n = b.len().min(d.len() - 1);
        for (dst, &src) in d.iter_mut().zip(&b[..n]) {
            *dst = src as crate::ffi::c_char;
        }
        d[n] = 0;
    }
}
