#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make mutants [M=regex] [MUTANTS=file|dir]: one-line mutants of the Rust
# netkit against the suites. Each mutant is applied to a copy of the repo
# as it was when the run started ($NK_CACHE/mutants/snap, copied to
# $NK_CACHE/mutants/repo), the Rust kernel is rebuilt incrementally and the
# suites run in four stages (one boot each), most likely killers first, each
# stopping at its first failing suite (NK_CHECK_FAILFAST); the first failing
# case kills the mutant. A mutant that fails no stage survived; one that
# does not build is reported as such. Results are kept per mutant under
# $NK_CACHE/mutants/ and reused while the mutant, the driver, the kernel
# crate and the harness are unchanged, and the tests (for a survivor) or
# the killing case's suite (for a killed mutant).
#   M        only the mutants whose name matches (an extended regex, as awk)
#   MUTANTS  tools/nk/mutants.txt (default) or a directory of one-line
#            patches (*.patch, -p1 on the repo), e.g. someone else's
# The Rust build tree is rebuilt from the repo at the end. Each build and
# each stage takes the cache lock by itself (the build of a stage's check is
# the mutant's, so a command run in between changes nothing).
set -euo pipefail
sub=()
if [ -z "${NK_TOP:-}" ]; then
	NK_TOP=mutants
	sub=(env -u NK_TOP)
fi
. "$(dirname "$0")/lib.sh"
[ "$NK_ARCH" = x86_64 ] || nk_die "mutants: x86_64 only, not ARCH=$NK_ARCH"
IMPL=rust KDEBUG=0 nk_kernel_vars
export IMPL=rust KDEBUG=0

out=$NK_CACHE/mutants
work=$out/repo
mkdir -p "$out/results" "$out/logs"
# The repo as it is now: every mutant starts from this copy, so edits made
# while the run goes on do not reach it.
snap=$out/snap
rm -rf "$snap"
mkdir -p "$snap"
cp -a "$NK_REPO/.git" "$snap/.git"
(cd "$NK_REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp -p --parents -t "$snap")

src=${MUTANTS:-$snap/tools/nk/mutants.txt}
stages=(
	'^nk_netlink\.'
	'^nk_datapath\.'
	'^(nk_lease|nk_cilium|clients|tc_netkit|link_netns|nk_qlease|kunit)\.'
	'^(hw_|dummy|net_dummy|go_|fuzz|stress)'
)

# name<TAB>spec-hash, one per mutant.
if [ -d "$src" ]; then
	list=$(for p in "$src"/*.patch; do
		[ -e "$p" ] || continue
		printf '%s\t%s\n' "$(basename "$p" .patch)" "$(sha256sum <"$p" | cut -c1-16)"
	done)
elif [ -f "$src" ]; then
	list=$(python3 "$snap/tools/nk/mutant-apply.py" list "$src") ||
		nk_die "mutants: $src does not parse"
else
	nk_die "mutants: no such file or directory: $src"
fi
[ -z "${M:-}" ] || list=$(M=$M awk -F '\t' '$1 ~ ENVIRON["M"]' <<<"$list")
[ -n "$list" ] || nk_die "mutants: none selected from $src${M:+ by M=$M}"

# hash_of PATH...: the snapshot's files under PATHs, hashed.
hash_of() {
	(cd "$snap" && git ls-files -co --exclude-standard -z -- "$@" | sort -z | xargs -0 cat) |
		sha256sum | cut -c1-16
}
# What a result depends on besides the mutant: the driver, the kernel
# crate, the harness; a survivor also on every test, a killed mutant on
# the killing case's suite: its own files (tools/testing/selftests/drivers/
# net/netkit: its script and the helpers, not the other suites) or, for a
# suite from elsewhere, all tests.
core_key=$(hash_of drivers/net/netkit rust patches tools/nk/guest tools/nk/config \
	tools/nk/check.sh tools/nk/vm.sh tools/nk/kernel.sh)
tests_key=$(hash_of tools/testing)
own=tools/testing/selftests/drivers/net/netkit
suite_key() {
	local s=${1%%.*} f files=()
	if [ -x "$snap/$own/$s.py" ]; then
		for f in "$snap/$own"/*; do
			[ -f "$f" ] || continue
			case $f in *.py) [ ! -x "$f" ] || [ "$f" = "$snap/$own/$s.py" ] || continue ;; esac
			files+=("$own/${f##*/}")
		done
		hash_of "${files[@]}"
	else
		echo "$tests_key"
	fi
}
# key_for HASH VERDICT: the key a result of that verdict is valid under.
key_for() {
	case $2 in
	"killed by "*) echo "$1 $core_key $(suite_key "${2#killed by }")" ;;
	*) echo "$1 $core_key $tests_key" ;;
	esac
}

restore() {
	nk_say "mutants: rebuilding the Rust kernel from the repo"
	"${sub[@]}" "$NK_REPO/tools/nk/kernel.sh" >"$out/logs/restore.log" 2>&1 ||
		nk_say "mutants: WARNING: rebuild from the repo failed, see $out/logs/restore.log"
}
nk_on_exit restore

# Each mutant: copy, apply, build, stages.
total=0
# The list on fd 3: the VM runs read stdin.
while IFS=$'\t' read -r -u 3 name hash; do
	total=$((total + 1))
	res=$out/results/$name
	if [ -f "$res" ] && [ "$(sed -n 1p "$res")" = "$(key_for "$hash" "$(sed -n 2p "$res")")" ]; then
		nk_say "mutants: $name: $(sed -n 2p "$res") (kept)"
		continue
	fi
	log=$out/logs/$name.log
	: >"$log"
	rm -rf "$work"
	mkdir -p "$work"
	# With .git: the overlay lists the files with git.
	cp -a "$snap/." "$work"
	if [ -d "$src" ]; then
		patch -s -p1 -d "$work" <"$src/$name.patch" >>"$log" 2>&1 ||
			nk_die "mutants: $name.patch does not apply (log: $log)"
	else
		python3 "$snap/tools/nk/mutant-apply.py" apply "$src" "$name" "$work" >>"$log" 2>&1 ||
			nk_die "mutants: $name does not apply (log: $log)"
	fi
	nk_say "mutants: $name: $(grep -m1 ': +' "$log" | sed 's/^[^+]*+//' || echo patched)"
	verdict=
	if ! "${sub[@]}" "$work/tools/nk/kernel.sh" >>"$log" 2>&1; then
		# Only a compiler error is the mutant's; anything else stops here.
		grep -qE '^error(\[E[0-9]+\])?: ' "$NK_LOGS/build-rust.log" ||
			nk_die "mutants: $name: the build failed, not for a compiler error (log: $log)"
		cp "$NK_LOGS/build-rust.log" "$out/logs/$name.build.log"
		verdict="does not build"
	else
		for t in "${stages[@]}"; do
			run=$(mktemp -d "$NK_CACHE/run/mutant.XXXXXX")
			rc=0
			NK_CHECK_RUN_DIR=$run NK_CHECK_FAILFAST=1 T=$t \
				"${sub[@]}" "$work/tools/nk/check.sh" >"$run/check.out" 2>&1 || rc=$?
			cat "$run/check.out" >>"$log"
			# check.sh's own lines too: vm.run (the VM died), fuzz.diff.
			killer=$(grep -m1 '^not ok' "$run/check.out" | awk '{print $4}' || true)
			if [ -n "$killer" ]; then
				verdict="killed by $killer"
				break
			fi
			if [ "$rc" != 0 ] || ! grep -qE '^ok ' "$run/ktap" 2>/dev/null; then
				verdict="no verdict: check exit $rc in stage '$t' (log: $log)"
				break
			fi
		done
		verdict=${verdict:-survived}
	fi
	printf '%s\n%s\n' "$(key_for "$hash" "$verdict")" "$verdict" >"$res"
	nk_say "mutants: $name: $verdict"
done 3<<<"$list"

# The table, for the selected mutants.
killed=0 survived=0 equiv=0 other=0
echo
while IFS=$'\t' read -r name _; do
	v=$(sed -n 2p "$out/results/$name" 2>/dev/null || true)
	v=${v:-not run}
	case $v in
	killed*) killed=$((killed + 1)) ;;
	survived)
		# An equivalent mutant's reason, from the list.
		eq=
		[ -d "$src" ] || eq=$(sed -n "s/^#= $name: //p" "$src")
		if [ -n "$eq" ]; then
			equiv=$((equiv + 1))
			v="survived, equivalent: $eq"
		else
			survived=$((survived + 1))
		fi
		;;
	*) other=$((other + 1)) ;;
	esac
	printf '%-40s %s\n' "$name" "$v"
done <<<"$list"
echo "$total mutants: $killed killed, $equiv equivalent, $survived survived, $other other"
