#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM: every suite from a clean state, one KTAP line per case named
# suite.case, renumbered across suites. Results also go to $NK_RUN/ktap.
#   T=pattern  run only the cases whose suite.case matches (grep -E)
#   NK_CHECK_FAILFAST=1  stop selecting cases after the first failure
set -u
# Run from a copy: the checkout may change during a long run.
if [ "${NK_CHECK_COPY:-}" != 1 ]; then
	cp "$0" /tmp/nk-check.sh
	NK_CHECK_COPY=1 exec bash /tmp/nk-check.sh "$@"
fi
NET=$NK_KSRC/tools/testing/selftests/net
OWN=$NK_KSRC/tools/testing/selftests/drivers/net/netkit
DUMMY=$NK_KSRC/tools/testing/selftests/drivers/net/dummy
HW=$NK_KSRC/tools/testing/selftests/drivers/net/hw
case $KDEBUG in
0) BPF=$NK_CACHE/bpf$NK_ASUF/$IMPL ;;
1) BPF=$NK_CACHE/bpf$NK_ASUF/$IMPL-debug ;;
*) BPF=$NK_CACHE/bpf$NK_ASUF/$IMPL-$KDEBUG ;;
esac
KTAP=$NK_RUN/ktap
# KDEBUG=cov with IMPL=rust: each process the suites start records the KCOV
# PCs of the Rust netkit it runs (tools/nk/guest/kcov-preload.c).
if [ "$KDEBUG" = cov ] && [ "$IMPL" = rust ]; then
	mkdir -p /run/nk-kcov
	export NK_KCOV_DIR=/run/nk-kcov LD_PRELOAD=$NK_TOOLS/kcov-preload.so
fi
# Per suite; KASAN and lockdep under TCG make nk_qlease take ~20-40 min.
SUITE_TIMEOUT=${NK_SUITE_TIMEOUT:-1500}
case $KDEBUG in 1 | lock | kcsan) SUITE_TIMEOUT=${NK_SUITE_TIMEOUT:-4800} ;; esac
: >"$KTAP"
n=0
dmesg_bad=

echo "TAP version 13"

# Every suite starts from no netkit, no netdevsim and no extra netns: the
# upstream tests pick "the netkit that is not up".
clean_state() {
	local d
	ip -all netns delete 2>/dev/null
	for d in $(ip -j link show type netkit 2>/dev/null | python3 -c \
		'import json,sys; [print(l["ifname"]) for l in json.load(sys.stdin)]' 2>/dev/null); do
		ip link del "$d" 2>/dev/null
	done
	for d in /sys/bus/netdevsim/devices/netdevsim*; do
		[ -e "$d" ] && echo "${d##*netdevsim}" >/sys/bus/netdevsim/del_device
	done
	udevadm settle 2>/dev/null
}

# result OK|FAIL|SKIP NAME [COMMENT]
result() {
	local line
	n=$((n + 1))
	case $1 in
	OK) line="ok $n $2" ;;
	FAIL) line="not ok $n $2" ;;
	SKIP) line="ok $n $2 # SKIP ${3:-}" ;;
	esac
	echo "$line"
	echo "$line" >>"$KTAP"
}

# NK_CHECK_FAILFAST=1 (make mutants): once a case failed, select no more.
selected() {
	if [ "${NK_CHECK_FAILFAST:-}" = 1 ] && grep -q '^not ok' "$KTAP"; then
		return 1
	fi
	[ -z "${T:-}" ] || echo "$1" | grep -qE -- "$T"
}

# Reports from boot (before any suite ran) are kept apart from those the
# suites cause: `vm.dmesg_boot` and `vm.dmesg_clean`.
# The ring buffer is cleared, so later checks see only what came after.
dmesg -c >"$NK_RUN/dmesg.boot"
"$NK_REPO/tools/nk/guest/dmesg-check.sh" "$NK_RUN/dmesg.boot" >/tmp/dmesg.boot.bad

# After each suite: did it leave a splat in dmesg?
check_dmesg() {
	dmesg >/tmp/dmesg.now
	"$NK_REPO/tools/nk/guest/dmesg-check.sh" /tmp/dmesg.now >/tmp/dmesg.bad
	if [ -s /tmp/dmesg.bad ] && [ -z "$dmesg_bad" ]; then
		dmesg_bad=$1
		echo "# dmesg shows problems after suite $1:"
		sed 's/^/# /' /tmp/dmesg.bad
	fi
}

# Fewest cases a full run (no T=) of each suite must report: a suite that
# lists less, vanishes or stops early fails `SUITE.count`.
declare -A MIN_CASES=(
	[kunit]=7 [nk_qlease]=45 [link_netns]=4 [tc_netkit]=7
	[nk_datapath]=21 [nk_lease]=9 [nk_netlink]=25
	[go_netlink]=2 [go_rtnetlink]=1 [clients]=4 [nk_cilium]=16
	[dummy]=12 [net_dummy]=7
	[hw_nk_netns]=1 [hw_nk_qlease]=5 [hw_nk_qlease_netif]=1 [hw_nk_devmem]=5
)

# suite_fail SUITE CHECK WHY: a result for the suite as a whole.
suite_fail() {
	echo "# $1: $3"
	result FAIL "$1.$2" "$3"
}

# check_count SUITE SEEN: a full run must see at least MIN_CASES[SUITE].
check_count() {
	local min=${MIN_CASES[$1]:-}
	[ -z "${T:-}" ] || return 0
	if [ -z "$min" ]; then
		suite_fail "$1" count "no minimum case count declared in MIN_CASES"
	elif [ "$2" -lt "$min" ]; then
		suite_fail "$1" count "$2 cases reported, at least $min expected"
	fi
}

# check_exit SUITE RC FAILED: the exit status agrees with the results
# (0: all passed or skipped, 1: a case failed; 124/137: timeout).
check_exit() {
	case $2 in
	0) [ "$3" = 0 ] || suite_fail "$1" exit "exit 0 but a case failed" ;;
	1) [ "$3" = 1 ] || suite_fail "$1" exit "exit 1 but no case failed" ;;
	124 | 137) suite_fail "$1" exit "timed out after ${SUITE_TIMEOUT}s" ;;
	*) suite_fail "$1" exit "exit $2" ;;
	esac
}

# parse_ktap SUITE OUT RC: turn the KTAP result lines of OUT (names already
# "SUITE.case") into results, then check them against the plan line, the
# exit status (0: all passed or skipped, 1: a case failed; 124: timeout) and
# MIN_CASES.
parse_ktap() {
	local suite=$1 out=$2 rc=$3 seen=0 failed=0 plan= line ok name comment
	while IFS= read -r line; do
		if [[ $line =~ ^1\.\.([0-9]+)$ ]]; then
			plan=${BASH_REMATCH[1]}
			continue
		fi
		[[ $line =~ ^(not\ )?ok\ [0-9]+\ ([^ ]+)(\ \#\ (.*))?$ ]] || continue
		seen=$((seen + 1))
		ok=${BASH_REMATCH[1]}
		name=${BASH_REMATCH[2]}
		# A script named unlike its suite (hw_nk_qlease runs nk_qlease.py).
		[[ $name == "$suite".* ]] || name=$suite.${name#*.}
		comment=${BASH_REMATCH[4]}
		if [ -n "$ok" ]; then
			failed=1
			result FAIL "$name"
		elif [[ $comment == SKIP* ]]; then
			result SKIP "$name" "${comment#SKIP }"
		else
			result OK "$name"
		fi
	done <"$out"
	if [ -z "$plan" ]; then
		suite_fail "$suite" plan "no plan line (1..N), exit $rc"
	elif [ "$seen" -lt "$plan" ]; then
		suite_fail "$suite" plan "$seen of $plan planned cases reported, exit $rc"
	fi
	check_exit "$suite" "$rc" "$failed"
	check_count "$suite" "$seen"
}

# ksft_py SUITE DIR SCRIPT: a lib.py (ksft_run) suite; its lines already say
# "ok N suite.case". KSFT_CASES: only these cases; KSFT_SETUP: a command run
# after clean_state that prints VAR=value lines for the script's environment.
ksft_py() {
	local suite=$1 dir=$2 script=$3 args=() envs=() cases c out rc
	if [ ! -f "$dir/$script" ]; then
		suite_fail "$suite" run "$dir/$script is missing"
		return 0
	fi
	if [ -n "${T:-}${KSFT_CASES:-}" ]; then
		# Listing runs the script's setup too (drivers/net/hw scripts
		# print "# Interface: ..." first).
		[ -n "${KSFT_CASES:-}" ] || clean_state
		cases=${KSFT_CASES:-$(cd "$dir" && python3 "./$script" -l 2>"/tmp/$suite.list" | grep -v '^#')}
		if [ -z "$cases" ]; then
			sed 's/^/# /' "/tmp/$suite.list"
			suite_fail "$suite" list "$script -l lists no cases"
			return 0
		fi
		for c in $cases; do
			selected "$suite.$c" && args+=(-t "$c")
		done
		[ ${#args[@]} -gt 0 ] || return 0
	fi
	clean_state
	if [ -n "${KSFT_SETUP:-}" ]; then
		("$KSFT_SETUP" || echo FAILED) >"/tmp/$suite.env" 2>"/tmp/$suite.setup"
		mapfile -t envs <"/tmp/$suite.env"
		if [ ${#envs[@]} = 0 ] || [ "${envs[-1]}" = FAILED ]; then
			sed 's/^/# /' "/tmp/$suite.setup"
			suite_fail "$suite" setup "$KSFT_SETUP failed"
			return 0
		fi
	fi
	echo "# suite $suite: $dir/$script ${args[*]}${envs[*]:+ with ${envs[*]}}"
	out=/tmp/$suite.out
	(cd "$dir" && env "${envs[@]}" timeout -k 10 "$SUITE_TIMEOUT" python3 "./$script" "${args[@]}") >"$out" 2>&1
	rc=$?
	sed 's/^/# /' "$out"
	parse_ktap "$suite" "$out" "$rc"
	check_dmesg "$suite"
}

# ktap_suite SUITE CMD...: a runner that prints "ok N SUITE.case" lines and
# a plan; `CMD -l` lists its case names (without the suite prefix). With
# T=, only the selected cases are run (CMD -t NAME ...).
ktap_suite() {
	local suite=$1 args=() c out rc
	shift
	if [ -n "${T:-}" ]; then
		for c in $("$@" -l 2>/dev/null); do
			selected "$suite.$c" && args+=(-t "$c")
		done
		[ ${#args[@]} -gt 0 ] || return 0
	fi
	clean_state
	echo "# suite $suite: $* ${args[*]}"
	out=/tmp/$suite.out
	timeout -k 10 "$SUITE_TIMEOUT" "$@" "${args[@]}" >"$out" 2>&1
	rc=$?
	sed 's/^/# /' "$out"
	parse_ktap "$suite" "$out" "$rc"
	check_dmesg "$suite"
}

# test_progs -t tc_netkit: one result per top-level test.
tc_netkit() {
	local suite=tc_netkit out=/tmp/tc_netkit.out names=() line
	if [ ! -x "$BPF/test_progs" ]; then
		selected "$suite" && result FAIL "$suite.build" "no test_progs in $BPF"
		return 0
	fi
	for line in $(cd "$BPF" && ./test_progs -l 2>/dev/null | grep '^tc_netkit'); do
		selected "$suite.$line" && names+=("$line")
	done
	if [ ${#names[@]} = 0 ]; then
		# test_progs lists no tc_netkit test: the suite vanished.
		[ -n "${T:-}" ] || suite_fail "$suite" count "test_progs -l lists no tc_netkit test"
		return 0
	fi
	clean_state
	local list
	list=$(IFS=,; echo "${names[*]}")
	echo "# suite $suite: test_progs -t $list"
	local rc=0
	(cd "$BPF" && timeout -k 10 "$SUITE_TIMEOUT" ./test_progs -t "$list") >"$out" 2>&1 || rc=$?
	sed 's/^/# /' "$out"
	local name failed=0
	for name in "${names[@]}"; do
		if grep -qE "^#[0-9]+ +$name:OK" "$out"; then
			result OK "$suite.$name"
		elif grep -qE "^#[0-9]+ +$name:SKIP" "$out"; then
			result SKIP "$suite.$name" "skipped by test_progs"
		else
			failed=1
			result FAIL "$suite.$name"
		fi
	done
	check_exit "$suite" "$rc" "$failed"
	check_count "$suite" "${#names[@]}"
	check_dmesg "$suite"
}

# Upstream net selftests that run on dummy devices, unchanged from the
# source package: one result per script, from its exit status (0 pass, 4
# skip, else fail). What each covers of dummy:
#   rtnetlink_notification  multicast/anycast joins (rx mode) on a dummy
#   cmsg_time               SO_TIMESTAMPING SND stamps from dummy's xmit
#   udpgso                  GSO/checksum features toggled with ethtool -K
#   fib_tests               carrier on/off, down, unregister of dummies
#   protodown               carrier changes seen through macvlan/vxlan
#   netns_name              netns moves and renames of dummies
#   bond_dev_addr_lists     enslaving: MAC changes, addr list sync, open
NET_DUMMY="
rtnetlink_notification|net|./rtnetlink_notification.sh
cmsg_time|net|KSFT_MACHINE_SLOW=yes ./cmsg_time.sh
udpgso|net|./udpgso.sh
fib_tests|net|./fib_tests.sh -t 'unregister down carrier'
protodown|net|./protodown.sh
netns_name|net|./netns-name.sh
bond_dev_addr_lists|drivers/net/bonding|./dev_addr_lists.sh
"
net_dummy() {
	local suite=net_dummy name dir line out rc seen=0 t0
	while IFS='|' read -r name dir line; do
		[ -n "$name" ] || continue
		selected "$suite.$name" || continue
		clean_state
		seen=$((seen + 1))
		out=/tmp/$suite.$name.out
		echo "# suite $suite: (cd $dir && $line)"
		t0=$(date +%s)
		(cd "$NK_KSRC/tools/testing/selftests/$dir" &&
			timeout -k 10 "$SUITE_TIMEOUT" bash -c "$line") >"$out" 2>&1
		rc=$?
		sed 's/^/# /' "$out"
		echo "# $suite.$name: exit $rc after $(($(date +%s) - t0))s"
		case $rc in
		0) result OK "$suite.$name" ;;
		4) result SKIP "$suite.$name" "$(grep -m1 -i 'skip' "$out")" ;;
		*) result FAIL "$suite.$name" "exit $rc" ;;
		esac
	done <<<"$NET_DUMMY"
	check_count "$suite" "$seen"
	check_dmesg "$suite"
}

# The kernel crate's doctests (rust/kernel/**/*.rs) as one built-in KUnit
# suite; kunit.autorun is off, so it runs here through debugfs. One result
# per doctest of rust/kernel/net/, and one for the whole suite.
kunit_doctests() {
	local suite=rust_doctests_kernel dir=/sys/kernel/debug/kunit/rust_doctests_kernel
	local out=/tmp/kunit.out line name seen=0
	selected kunit.rust_doctest_kernel_net_ || selected "kunit.$suite" || return 0
	if ! zcat /proc/config.gz | grep -qx CONFIG_RUST_KERNEL_DOCTESTS=y; then
		result SKIP "kunit.$suite" "kernel built without CONFIG_RUST_KERNEL_DOCTESTS"
		return 0
	fi
	if [ ! -w "$dir/run" ]; then
		result FAIL "kunit.$suite" "no $dir/run"
		return 0
	fi
	clean_state
	echo "# suite kunit: echo 1 > $dir/run"
	echo 1 >"$dir/run"
	cat "$dir/results" >"$out"
	grep -E 'rust_doctest_kernel_net_|^[[:space:]]*not ok |ok [0-9]+ rust_doctests_kernel$' "$out" |
		sed 's/^/# /'
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*(not\ )?ok\ [0-9]+\ (rust_doctest_kernel_net_[^ ]+)(\ \#\ (.*))?$ ]] ||
			continue
		seen=$((seen + 1))
		name=kunit.${BASH_REMATCH[2]}
		selected "$name" || continue
		if [ -n "${BASH_REMATCH[1]}" ]; then
			result FAIL "$name"
		elif [[ ${BASH_REMATCH[4]} == SKIP* ]]; then
			result SKIP "$name" "${BASH_REMATCH[4]#SKIP }"
		else
			result OK "$name"
		fi
	done <"$out"
	if selected "kunit.$suite"; then
		if [ "$seen" = 0 ]; then
			result FAIL "kunit.$suite" "no rust/kernel/net doctest in the results"
		elif grep -qE '^[[:space:]]*not ok ' "$out"; then
			grep -E '^[[:space:]]*not ok ' "$out" | sed 's/^/# failed: /'
			result FAIL "kunit.$suite"
		else
			result OK "kunit.$suite"
		fi
	fi
	selected "kunit.$suite" && check_count kunit "$seen"
	check_dmesg kunit
}

# The bounded forms of `make fuzz` and `make stress`: fuzz.short must run
# FUZZ_SHORT_N requests of seed 1 to the end (the host compares its
# transcript, $NK_RUN/fuzz-short.txt, with the C kernel's: fuzz.diff), and
# stress.short must pass a minute of stress.py.
FUZZ_SHORT_N=500
short_runs() {
	local out rc
	if selected fuzz.short; then
		clean_state
		echo "# suite fuzz: fuzz.py seed 1, $FUZZ_SHORT_N requests"
		out=/tmp/fuzz.out
		NK_FUZZ_SEED=1 NK_FUZZ_N=$FUZZ_SHORT_N NK_FUZZ_EPOCH=250 NK_FUZZ_OUT=fuzz-short.txt \
			timeout -k 10 "$SUITE_TIMEOUT" python3 "$NK_REPO/tools/nk/guest/fuzz.py" >"$out" 2>&1
		rc=$?
		udevadm control --start-exec-queue 2>/dev/null
		sed 's/^/# /' "$out"
		if [ "$rc" = 0 ] && grep -q '^# end$' "$NK_RUN/fuzz-short.txt" 2>/dev/null; then
			result OK fuzz.short
		else
			result FAIL fuzz.short "exit $rc"
		fi
		check_dmesg fuzz
	fi
	if selected stress.short; then
		clean_state
		echo "# suite stress: stress.py for 60s"
		out=/tmp/stress.out
		NK_STRESS_SECS=60 timeout -k 10 "$SUITE_TIMEOUT" \
			python3 "$NK_REPO/tools/nk/guest/stress.py" >"$out" 2>&1
		rc=$?
		sed 's/^/# /' "$out"
		if [ "$rc" = 0 ]; then
			result OK stress.short
		else
			result FAIL stress.short "exit $rc"
		fi
		check_dmesg stress
	fi
}

# Which driver this kernel has: CONFIG_NETKIT_RUST=y and the Rust driver's
# (mangled) symbols in kallsyms if and only if IMPL=rust, netkit_xmit (C's, or
# the Rust one's alias of it) in both, the implementation's dummy.ko, and IMPL
# in the release string.
vm_impl() {
	local rs=n rsym=n xmit=n why=
	zcat /proc/config.gz | grep -qx CONFIG_NETKIT_RUST=y && rs=y
	grep -q '6netkit6Netkit' /proc/kallsyms && rsym=y
	grep -qE ' [tT] netkit_xmit$' /proc/kallsyms && xmit=y
	local got="CONFIG_NETKIT_RUST=$rs rust_symbols=$rsym netkit_xmit=$xmit"
	case $IMPL in
	rust) [ $rs = y ] && [ $rsym = y ] && [ $xmit = y ] || why=$got ;;
	c) [ $rs = n ] && [ $rsym = n ] && [ $xmit = y ] || why=$got ;;
	esac
	# dummy is a module: drivers/net/dummy/dummy.ko (Rust) or
	# drivers/net/dummy.ko (C).
	local dko want=drivers/net/dummy.ko
	[ "$IMPL" = rust ] && want=drivers/net/dummy/dummy.ko
	dko=$(modinfo -F filename dummy 2>/dev/null)
	case $dko in
	*/kernel/$want) ;;
	*) why="${why:+$why, }dummy module is '${dko:-missing}', not $want" ;;
	esac
	case $(uname -r) in
	*-nk-"$IMPL" | *-nk-"$IMPL"-debug | *-nk-"$IMPL"-cov) ;;
	*) why="${why:+$why, }release $(uname -r) does not end in -nk-$IMPL[-debug|-cov]" ;;
	esac
	echo "# vm.impl: IMPL=$IMPL $(uname -r) $got dummy=$dko"
	if [ -z "$why" ]; then
		result OK vm.impl
	else
		result FAIL vm.impl "$why"
	fi
}

vm_impl
kunit_doctests
ksft_py nk_qlease "$NET" nk_qlease.py
ksft_py link_netns "$NET" link_netns.py
# drivers/net/hw's netkit tests, unchanged, on netdevsim. With NETIF set
# (hw-netif.sh: a netdevsim pair with 4 queues, the remote end in a netns
# that routes the container prefix to the local one, as README.rst asks of
# a remote host) for all but nk_qlease.py, whose cases the netdevsim of
# NetDrvContEnv without NETIF runs as netdev's CI does (each skips: one
# channel). With NETIF, netdevsim runs its test_attrs; the other four need
# RSS and ntuple rules (ethtool -X/-N), which netdevsim does not have.
export LOCAL_PREFIX_V6=2001:db8:2::/64
KSFT_SETUP=$NK_REPO/tools/nk/guest/hw-netif.sh ksft_py hw_nk_netns "$HW" nk_netns.py
ksft_py hw_nk_qlease "$HW" nk_qlease.py
KSFT_SETUP=$NK_REPO/tools/nk/guest/hw-netif.sh KSFT_CASES=test_attrs \
	ksft_py hw_nk_qlease_netif "$HW" nk_qlease.py
KSFT_SETUP=$NK_REPO/tools/nk/guest/hw-netif.sh ksft_py hw_nk_devmem "$HW" nk_devmem.py
unset LOCAL_PREFIX_V6
tc_netkit
ktap_suite go_netlink "$NK_REPO/tools/nk/guest/clients.sh" go_netlink
ktap_suite go_rtnetlink "$NK_REPO/tools/nk/guest/clients.sh" go_rtnetlink
# Our own suites: those MIN_CASES expects (a missing one fails) and any
# other executable *.py there (one without a MIN_CASES entry fails
# `SUITE.count`); the others are modules the suites import.
for s in $( (printf '%s\n' nk_cilium nk_datapath nk_lease nk_netlink clients
	for t in "$OWN"/*.py; do [ -x "$t" ] && basename "$t" .py; done) | sort -u); do
	ksft_py "$s" "$OWN" "$s.py"
done
ksft_py dummy "$DUMMY" dummy.py
net_dummy
short_runs

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	if [ -s /sys/kernel/debug/kmemleak ] && [ -z "$dmesg_bad" ]; then
		dmesg_bad=kmemleak
		sed 's/^/# /' /sys/kernel/debug/kmemleak | head -n 100
	fi
fi
# KDEBUG=cov: the C netkit's gcov counts or the Rust one's KCOV PCs, for
# make coverage.
if [ -n "${NK_KCOV_DIR:-}" ]; then
	unset LD_PRELOAD
	sort -u "$NK_KCOV_DIR/pcs" >"$NK_RUN/kcov-pcs.txt" 2>/dev/null
fi
gcda=$(find /sys/kernel/debug/gcov -name netkit.gcda 2>/dev/null | head -n 1)
[ -z "$gcda" ] || cp "$gcda" "$NK_RUN/netkit.gcda"
if [ -s /tmp/dmesg.boot.bad ]; then
	echo "# dmesg shows problems during boot, before any suite ran:"
	sed 's/^/# /' /tmp/dmesg.boot.bad
	result FAIL vm.dmesg_boot
else
	result OK vm.dmesg_boot
fi
if [ -z "$dmesg_bad" ]; then
	result OK vm.dmesg_clean
else
	result FAIL vm.dmesg_clean
fi
echo "1..$n"
grep -q '^not ok' "$KTAP" && exit 1
exit 0
