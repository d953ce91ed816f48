// SPDX-License-Identifier: GPL-2.0

//! The xmit context (BH disabled) is only made by the core's transmit
//! adapter.

// expect: E0624
// expect-msg: associated function `assume` is private

use kernel::net::skbuff::TxContext;

/// Claims BH is disabled.
pub fn forge() -> &'static TxContext {
    // SAFETY: None; the case shows the call is refused.
    unsafe { TxContext::assume() }
}
