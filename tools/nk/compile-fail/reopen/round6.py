# SPDX-License-Identifier: GPL-2.0
# Reopens the holes cases 80-82 cover (driver types covariant in T, so a
# subtype's devices, fields and tables pass for another driver's; a safe
# HasOps), in a copy of rust/kernel: with tools/nk/cf-reopen.sh each of
# them must then compile.
from edit import ed
ed('net/dev.rs', [('PhantomData<(T, fn(T) -> T)>', 'PhantomData<T>')])
ed('net/dev/field.rs', [('type Markers<T, F> = (fn(T) -> T, fn(F) -> F);',
                         'type Markers<T, F> = (fn() -> T, fn() -> F);')])
ed('net/dev/driver.rs', [('pub unsafe trait HasOps {', 'pub trait HasOps {'),
                         ('unsafe impl $crate::net::dev::HasOps for $T {',
                          'impl $crate::net::dev::HasOps for $T {')])
