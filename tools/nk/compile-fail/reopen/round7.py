# SPDX-License-Identifier: GPL-2.0
# Reopens the holes cases 83-85 cover (mprog_entry_points! exporting any
# binding of the prototype, for any entry point and link kind), in a copy
# of rust/kernel: with tools/nk/cf-reopen.sh each of them must then compile.
from edit import ed
ed('net/mprog/syscall.rs', [(a, b) for a, b in [
    ('let _ = [n::attach::$a::decl, $a];', 'let _ = [$crate::bindings::$a, $a];'),
    ('let _ = [n::detach::$d::decl, $d];', 'let _ = [$crate::bindings::$d, $d];'),
    ('let _ = [n::query::$q::decl, $q];', 'let _ = [$crate::bindings::$q, $q];'),
    ('let _ = [n::link_attach::$l::decl, $l];', 'let _ = [$crate::bindings::$l, $l];'),
    ('''            let kind = <$T as $crate::net::rtnl::LinkOps>::KIND;
            assert!(
                $crate::net::dev::same_kind(n::attach::$a::KIND, kind)
                    && $crate::net::dev::same_kind(n::detach::$d::KIND, kind)
                    && $crate::net::dev::same_kind(n::query::$q::KIND, kind)
                    && $crate::net::dev::same_kind(n::link_attach::$l::KIND, kind),
                "an entry point of another link kind"
            );
''', ''),
    ('use $crate::net::mprog::entry_names as n;', ''),
]])
