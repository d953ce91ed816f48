// SPDX-License-Identifier: GPL-2.0

//! The module of a network device driver.

/// Declares the module of a network device driver `T` (a
/// [`LinkOps`](crate::net::rtnl::LinkOps)): builds its `net_device_ops`
/// (see [`net_device_ops!`](crate::net_device_ops)), its `rtnl_link_ops`
/// and, with `notifier: N`, the netdevice notifier block of `N`; with
/// `symbols: { ... }`, it names entry points after C functions (see
/// [`net_symbols!`](crate::net_symbols)). The module
/// registers them at init (then runs
/// [`LinkOps::module_init`](crate::net::rtnl::LinkOps::module_init)) and
/// unregisters them at exit. The other fields, `params` among them, are
/// [`module!`](crate::prelude::module)'s.
///
/// The registrations live in the module, out of the driver's reach, so they
/// cannot be leaked past the module's unloading.
///
/// ```ignore
/// kernel::module_net_driver! {
///     type: Veth,
///     notifier: Veth,
///     symbols: { start_xmit: veth_xmit, newlink: veth_newlink },
///     name: "veth",
///     authors: ["..."],
///     description: "Virtual Ethernet pairs",
///     license: "GPL",
///     alias: ["rtnl-link-veth"],
/// }
/// ```
#[macro_export]
macro_rules! module_net_driver {
    (type: $T:ty, $($rest:tt)*) => {
        $crate::module_net_driver!(@opts [$T] [] [] [] $($rest)*);
    };
    (@opts [$T:ty] [] [$($N:ty)?] [$($S:tt)*] export_peer_dev: $peer:ident, $($rest:tt)*) => {
        $crate::module_net_driver!(@opts [$T] [$peer] [$($N)?] [$($S)*] $($rest)*);
    };
    (@opts [$T:ty] [$($peer:ident)?] [] [$($S:tt)*] notifier: $N:ty, $($rest:tt)*) => {
        $crate::module_net_driver!(@opts [$T] [$($peer)?] [$N] [$($S)*] $($rest)*);
    };
    (@opts [$T:ty] [$($peer:ident)?] [$($N:ty)?] [] symbols: {$($S:tt)*}, $($rest:tt)*) => {
        $crate::module_net_driver!(@opts [$T] [$($peer)?] [$($N)?] [$($S)*] $($rest)*);
    };
    (@opts [$T:ty] [$($peer:ident)?] [$($N:ty)?] [$($S:tt)*] $($f:tt)*) => {
        $crate::net_symbols!($T, { $($S)* });
        $crate::net_device_ops!($T $(, export_peer_dev = $peer)?);

        const _: () = {
            static LINK_OPS: $crate::net::rtnl::LinkOpsTable<$T> =
                $crate::net::rtnl::LinkOpsTable::new();
            // SAFETY: The module registers `LINK_OPS` at init.
            unsafe impl $crate::net::rtnl::HasLinkOps for $T {
                fn link_ops() -> &'static $crate::net::rtnl::LinkOpsTable<$T> {
                    &LINK_OPS
                }
            }
        };

        $(
            const _: () = {
                static BLOCK: $crate::net::notifier::Block<$N> =
                    $crate::net::notifier::Block::new();
                impl $crate::net::notifier::HasBlock for $N {
                    fn block() -> &'static $crate::net::notifier::Block<$N> {
                        &BLOCK
                    }
                }
            };
        )?

        /// The module: its registrations. Public only for `module!`'s
        /// expansion; making a second one fails (`EEXIST`: the tables are
        /// registered), so the driver cannot unregister the module's.
        #[doc(hidden)]
        pub struct __NetDriverModule {
            // Dropped in this order: the notifier first, as C drivers do.
            $(_notifier: $crate::net::notifier::Registration<$N>,)?
            _link: $crate::net::rtnl::Registration<$T>,
        }

        $crate::prelude::module! {
            type: __NetDriverModule,
            $($f)*
        }

        impl $crate::Module for __NetDriverModule {
            fn init(_module: &'static $crate::ThisModule) -> $crate::error::Result<Self> {
                // SAFETY: Module init may sleep; the registration is a field
                // of the module, dropped at module exit.
                let link = unsafe { $crate::net::rtnl::Registration::<$T>::register() }?;
                if <$T as $crate::net::rtnl::LinkOps>::HAS_MODULE_INIT {
                    <$T as $crate::net::rtnl::LinkOps>::module_init(&link)?;
                }
                Ok(Self {
                    $(
                        // SAFETY: As above.
                        _notifier: unsafe {
                            $crate::net::notifier::Registration::<$N>::register()
                        }?,
                    )?
                    _link: link,
                })
            }
        }
    };
}
