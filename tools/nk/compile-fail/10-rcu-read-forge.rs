// SPDX-License-Identifier: GPL-2.0

//! A driver cannot implement `RcuRead`, the proof of an RCU read-side
//! critical section, for a type of its own.

// expect: E0277
// expect-msg: Sealed

use kernel::net::dev::RcuRead;

/// Not an RCU read-side critical section.
pub struct Fake;

impl RcuRead for Fake {}
