// SPDX-License-Identifier: GPL-2.0

//! C names for a driver's entry points.

use crate::prelude::CStr;

/// Whether `name` may name an entry point of a driver of link kind `kind`:
/// `kind` is a lowercase letter and lowercase letters or digits, `name` is
/// `kind`, `_`, and lowercase letters, digits or `_`. No symbol the linker,
/// its scripts or the tools after it (kallsyms, sorttable, modpost) look
/// up by name has that form: theirs start with `_` or are in the bindings.
#[doc(hidden)]
pub const fn symbol_name_ok(name: &str, kind: &CStr) -> bool {
    let (n, k) = (name.as_bytes(), kind.to_bytes());
    if k.is_empty() || !k[0].is_ascii_lowercase() || n.len() <= k.len() + 1 || n[k.len()] != b'_' {
        return false;
    }
    let mut i = 0;
    while i < n.len() {
        let c = n[i];
        let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || (c == b'_' && i >= k.len());
        if !ok || (i < k.len() && c != k[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Names entry points of driver `$T` after C functions.
///
/// `start_xmit: veth_xmit` makes the `ndo_start_xmit` the core calls
/// show as `veth_xmit` in `/proc/kallsyms` and in `%pS` (e.g. the location
/// the `kfree_skb` tracepoint records for a drop in it), as the function of
/// a C driver would. (Kprobe events refuse Rust functions, which have no
/// ftrace entry, under any name.)
///
/// Each name is a local symbol at the entry point's address, which kbuild
/// adds to the object once it is built (`scripts/rust_symbol_aliases.sh`):
/// added after every reference in the object is resolved and local to it,
/// it cannot capture a reference. Tools after the link find symbols by name
/// whatever their binding (kallsyms takes `_text` as its base, sorttable
/// the `__start_mcount_loc` range), so a name must also be the link kind,
/// `_` and lowercase letters, digits or `_` (the kind a lowercase letter
/// and lowercase letters or digits), and no function, static or constant
/// of the bindings.
/// Naming an entry point the driver does not implement fails the build.
///
/// Keys: the `net_device_ops`, `ethtool_ops` and `netdev_queue_mgmt_ops`
/// entries of [`Driver`](crate::net::dev::Driver) (`init`, `uninit`, `open`,
/// `stop`, `start_xmit`, `change_carrier`, `get_iflink`, `get_stats64`,
/// `set_mac_address`, `set_rx_headroom`, `set_rx_mode_async`, `bpf` (the
/// XSK pool callbacks), `xsk_wakeup`, `get_drvinfo`, `queue_create`) and
/// the `rtnl_link_ops` entries of [`LinkOps`](crate::net::rtnl::LinkOps)
/// (`alloc`, `setup`, `validate`, `newlink`, `dellink`, `changelink`,
/// `get_size`, `fill_info`, `get_link_net`).
///
/// A driver gives them as `symbols:` of
/// [`module_net_driver!`](crate::module_net_driver). The `@` arms are the
/// macro's own steps, not for drivers.
#[macro_export]
macro_rules! net_symbols {
    ($T:ty, { $($entry:ident: $name:ident),* $(,)? }) => {
        $($crate::net_symbols!(@entry $T, $entry, $name);)*
    };
    (@entry $T:ty, init, $name:ident) => { $crate::net_symbols!(@dev $T, init, [], $name); };
    (@entry $T:ty, uninit, $name:ident) => { $crate::net_symbols!(@dev $T, uninit, [], $name); };
    (@entry $T:ty, open, $name:ident) => {
        $crate::net_symbols!(@dev $T, open, [HAS_OPEN], $name);
    };
    (@entry $T:ty, stop, $name:ident) => {
        $crate::net_symbols!(@dev $T, stop, [HAS_STOP], $name);
    };
    (@entry $T:ty, start_xmit, $name:ident) => {
        $crate::net_symbols!(@dev $T, start_xmit, [], $name);
    };
    (@entry $T:ty, change_carrier, $name:ident) => {
        $crate::net_symbols!(@dev $T, change_carrier, [HAS_CHANGE_CARRIER], $name);
    };
    (@entry $T:ty, get_iflink, $name:ident) => {
        $crate::net_symbols!(@dev $T, get_iflink, [HAS_GET_IFLINK], $name);
    };
    (@entry $T:ty, get_stats64, $name:ident) => {
        $crate::net_symbols!(@dev $T, get_stats64, [HAS_GET_STATS64], $name);
    };
    (@entry $T:ty, set_mac_address, $name:ident) => {
        $crate::net_symbols!(@dev $T, set_mac_address, [HAS_SET_MAC_ADDRESS], $name);
    };
    (@entry $T:ty, set_rx_headroom, $name:ident) => {
        $crate::net_symbols!(@dev $T, set_rx_headroom, [HAS_SET_RX_HEADROOM], $name);
    };
    (@entry $T:ty, set_rx_mode_async, $name:ident) => {
        $crate::net_symbols!(@dev $T, set_rx_mode_async, [HAS_SET_RX_MODE_ASYNC], $name);
    };
    (@entry $T:ty, bpf, $name:ident) => {
        $crate::net_symbols!(@dev $T, bpf, [HAS_XSK_POOL_ENABLE], $name);
    };
    (@entry $T:ty, xsk_wakeup, $name:ident) => {
        $crate::net_symbols!(@dev $T, xsk_wakeup, [HAS_XSK_WAKEUP], $name);
    };
    (@entry $T:ty, get_drvinfo, $name:ident) => {
        $crate::net_symbols!(@dev $T, get_drvinfo, [HAS_GET_DRVINFO], $name);
    };
    (@entry $T:ty, queue_create, $name:ident) => {
        $crate::net_symbols!(@dev $T, queue_create, [HAS_QUEUE_CREATE], $name);
    };
    (@entry $T:ty, alloc, $name:ident) => {
        $crate::net_symbols!(@link $T, alloc, [HAS_ALLOC_QUEUES], $name);
    };
    (@entry $T:ty, setup, $name:ident) => { $crate::net_symbols!(@link $T, setup, [], $name); };
    (@entry $T:ty, validate, $name:ident) => {
        $crate::net_symbols!(@link $T, validate, [HAS_VALIDATE], $name);
    };
    (@entry $T:ty, newlink, $name:ident) => {
        $crate::net_symbols!(@link $T, newlink, [HAS_NEWLINK], $name);
    };
    (@entry $T:ty, dellink, $name:ident) => {
        $crate::net_symbols!(@link $T, dellink, [], $name);
    };
    (@entry $T:ty, changelink, $name:ident) => {
        $crate::net_symbols!(@link $T, changelink, [HAS_CHANGELINK], $name);
    };
    (@entry $T:ty, get_size, $name:ident) => {
        $crate::net_symbols!(@link $T, get_size, [HAS_GET_SIZE], $name);
    };
    (@entry $T:ty, fill_info, $name:ident) => {
        $crate::net_symbols!(@link $T, fill_info, [HAS_FILL_INFO], $name);
    };
    (@entry $T:ty, get_link_net, $name:ident) => {
        $crate::net_symbols!(@link $T, get_link_net, [HAS_GET_LINK_NET], $name);
    };
    (@dev $T:ty, $f:ident, [$($has:ident)?], $name:ident) => {
        $(const _: () = assert!(
            <$T as $crate::net::dev::Driver>::$has,
            concat!("`", stringify!($f), "` is named but not implemented")
        );)?
        $crate::net_symbols!(@alias $T, $name, $crate::net::dev::Adapter::<$T>::$f);
    };
    (@link $T:ty, $f:ident, [$($has:ident)?], $name:ident) => {
        $(const _: () = assert!(
            <$T as $crate::net::rtnl::LinkOps>::$has,
            concat!("`", stringify!($f), "` is named but not implemented")
        );)?
        $crate::net_symbols!(@alias $T, $name, $crate::net::rtnl::LinkAdapter::<$T>::$f);
    };
    (@name $T:ty, $name:ident) => {
        const _: () = assert!(
            $crate::net::rtnl::symbol_name_ok(
                stringify!($name),
                <$T as $crate::net::rtnl::LinkOps>::KIND,
            ),
            concat!("`", stringify!($name), "` is not the link kind, `_` and [a-z0-9_]")
        );
        const _: () = {
            // Two glob imports of `$name`: ambiguous (an error) if the
            // bindings have it.
            #[allow(dead_code, non_upper_case_globals, unused_imports)]
            mod not_a_binding {
                mod local {
                    pub(crate) const $name: () = ();
                }
                use self::local::*;
                use $crate::bindings::*;
                const _: () = $name;
            }
        };
    };
    // A request to kbuild: the alias and the target's symbol, each a
    // NUL-terminated string, in a section that kbuild removes. The name is
    // checked here, so that no arm makes an unchecked one.
    (@alias $T:ty, $name:ident, $f:path) => {
        $crate::net_symbols!(@name $T, $name);
        ::core::arch::global_asm!(
            ".pushsection .rust_symbol_aliases",
            concat!(".asciz \"", stringify!($name), "\""),
            ".asciz \"{}\"",
            ".popsection",
            sym $f
        );
    };
}
