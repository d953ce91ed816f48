# SPDX-License-Identifier: GPL-2.0
# Reopens the hole case 79 covers (a safe HasLinkOps, so any type claims a
# link kind), in a copy of rust/kernel: with tools/nk/cf-reopen.sh it must
# then compile.
from edit import ed
ed('net/rtnl/link.rs', [('pub unsafe trait HasLinkOps {', 'pub trait HasLinkOps {')])
ed('net/rtnl/module.rs', [('unsafe impl $crate::net::rtnl::HasLinkOps for $T {',
                           'impl $crate::net::rtnl::HasLinkOps for $T {')])
