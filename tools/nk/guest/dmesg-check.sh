#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmesg-check.sh DMESG [KMEMLEAK]: print every kernel report that fails a run
# (WARN, BUG, Oops, lockdep, KASAN, KCSAN, kmemleak, RCU, Rust panic) with
# context; print nothing when the log is clean.
dmesg=$1
leak=${2:-}
pat='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG|'
pat+='possible circular locking|possible recursive locking|inconsistent lock state|'
pat+='suspicious RCU usage|turning off the locking correctness validator|UBSAN|'
pat+='self-detected stall|'
pat+='rcu: INFO|unreferenced object|rust_kernel: panicked|panicked at|'
pat+='hung_task|blocked for more than|refcount_t:|list_add corruption|list_del corruption|'
pat+='unregister_netdevice: waiting for'
grep -nE -A 25 "$pat" "$dmesg" 2>/dev/null | head -n 200
if [ -n "$leak" ] && [ -s "$leak" ]; then
	echo "kmemleak:"
	head -n 100 "$leak"
fi
exit 0
