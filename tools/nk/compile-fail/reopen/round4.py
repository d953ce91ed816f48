# SPDX-License-Identifier: GPL-2.0
# Reopens the holes the cases 63 and 73-78 cover (the macros' internal
# steps and export_peer_dev's checks), in a copy of rust/kernel: with
# tools/nk/cf-reopen.sh each of them must then compile.
from edit import ed
# 73: an alias step that does not check the name
ed('net/rtnl/symbols.rs', [('''    (@alias $T:ty, $name:ident, $f:path) => {
        $crate::net_symbols!(@name $T, $name);
''', '''    (@alias $T:ty, $name:ident, $f:path) => {
''')])
# 74: a table the caller places
ed('net/dev/driver.rs', [('''        static OPS: $crate::net::dev::Ops<$T> = $ops;
''', ''), ('Statics::new(&OPS, &KEYS)', 'Statics::new(&$ops, &KEYS)')])
# 63, 75: any name; 76, 78: any kind, no LinkOps
ed('net/dev/driver.rs', [('''        const _: () = assert!(
            $crate::net::dev::same_kind(
                $crate::net::dev::peer_dev_names::$name::KIND,
                <$T as $crate::net::rtnl::LinkOps>::KIND,
            ),
            concat!("`", stringify!($name), "` is another link kind's")
        );
''', ''), ('let _ = [$crate::net::dev::peer_dev_names::$name::decl, $name];', '')])
# 77: export_peer_dev without get_peer_dev
ed('net/dev/driver.rs', [('''            <$T as $crate::net::dev::Driver>::HAS_GET_PEER_DEV,
            "`export_peer_dev` without `get_peer_dev`"''', '''            true,
            "reopened"''')])
ed('net/dev/adapter.rs', [('const { assert!(T::HAS_GET_PEER_DEV) };', '')])
