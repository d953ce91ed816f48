// SPDX-License-Identifier: GPL-2.0

//! Policy entries come from their checked constructors only, not from a raw
//! `nla_policy` (whose pointers and validation kinds the core follows).

// expect: E0423

use kernel::{bindings, net::rtnl::PolicyEntry};

/// An entry with arbitrary contents.
pub fn raw(p: bindings::nla_policy) -> PolicyEntry {
    PolicyEntry(p)
}
