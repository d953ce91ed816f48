#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmesg-check.sh DMESG [KMEMLEAK [KCSAN]]: print every kernel report that
# fails a run (WARN, BUG, Oops, lockdep, KASAN, KCSAN, kmemleak, RCU, Rust
# panic) with context; print nothing when the log is clean. KCSAN, on a
# KCSAN kernel: /sys/kernel/debug/kcsan and a "cpus: N" line; a detector
# that was off, set up no watchpoint or had one CPU (it sees races between
# CPUs only) fails the run too.
dmesg=$1
leak=${2:-}
kcsan=${3:-}
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
if [ -n "$kcsan" ]; then
	if ! grep -qx 'enabled: 1' "$kcsan" ||
		! grep -qE '^setup_watchpoints: [1-9]' "$kcsan" ||
		grep -qx 'cpus: 1' "$kcsan"; then
		echo "kcsan: the detector did not watch this run (off, no watchpoint or one CPU):"
		cat "$kcsan"
	fi
fi
exit 0
