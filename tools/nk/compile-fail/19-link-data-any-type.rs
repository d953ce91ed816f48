// SPDX-License-Identifier: GPL-2.0

//! The `IFLA_INFO_DATA` table is sized by the link type's own policy: it
//! cannot be read as another type's, whose table may be longer.

// expect: E0107

use kernel::net::rtnl::{Attrs, LinkOps, NewLinkParams};

/// Reads `T`'s table as `U`'s.
pub fn data_as<'a, T: LinkOps, U: LinkOps>(p: &NewLinkParams<'a, T>) -> Attrs<'a> {
    p.data::<U>()
}
