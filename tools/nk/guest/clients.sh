#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM: a Go client's netkit tests, unchanged, from the binaries
# tools/nk/go-tests.sh builds.
#   clients.sh go_netlink|go_rtnetlink [-l] [-t TestName]...
# Every top-level Go test whose name contains "Netkit" is one KTAP line
# "ok N SUITE.TestName" (not ok / # SKIP reason), then the plan "1..N".
# -l lists those names; -t runs only the named ones. Exit 0 when no test
# failed, 1 otherwise.
set -euo pipefail
suite=${1:?usage: clients.sh go_netlink|go_rtnetlink [-l] [-t TestName]...}
shift
only=()
listonly=0
while [ $# -gt 0 ]; do
	case $1 in
	-l) listonly=1 ;;
	-t) only+=("$2"); shift ;;
	*) echo "clients.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
bin=$NK_CACHE/go-tests$NK_ASUF/$suite.test
src=/usr/share/gocode/src/github.com
case $suite in
go_netlink) dir=$src/vishvananda/netlink ;;
go_rtnetlink) dir=$src/jsimonetti/rtnetlink/driver ;;
*) echo "clients.sh: unknown suite $suite" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "clients.sh: no $bin (tools/nk/go-tests.sh builds it)" >&2; exit 2; }

# No process substitution: the guest has no /dev/fd.
list=$(cd "$dir" && "$bin" -test.list Netkit)
mapfile -t tests <<<"$list"
[ -n "$list" ] || tests=()
[ ${#tests[@]} -gt 0 ] || { echo "clients.sh: $bin lists no Netkit test" >&2; exit 2; }
if [ "$listonly" = 1 ]; then
	printf '%s\n' "${tests[@]}"
	exit 0
fi
if [ ${#only[@]} -gt 0 ]; then
	for t in "${only[@]}"; do
		printf '%s\n' "${tests[@]}" | grep -qxF -- "$t" ||
			{ echo "clients.sh: $suite has no Netkit test $t" >&2; exit 2; }
	done
	tests=("${only[@]}")
fi
run=$(IFS='|'; echo "^(${tests[*]})\$")
json=/tmp/$suite.json
echo "TAP version 13"
echo "# $suite: $bin -test.run '$run'"
rc=0
(cd "$dir" && timeout -k 10 600 "$NK_CACHE/go-tests$NK_ASUF/test2json" -t -p "$suite" \
	"$bin" -test.v=test2json -test.count=1 -test.run "$run") >"$json" 2>&1 || rc=$?
echo "# test binary exit $rc"

python3 - "$suite" "$json" "${tests[@]}" <<'EOF'
import json
import re
import sys

suite, path, tests = sys.argv[1], sys.argv[2], sys.argv[3:]
action, output = {}, {}
with open(path) as f:
    for raw in f:
        try:
            ev = json.loads(raw)
        except ValueError:
            print("# " + raw.rstrip("\n"))
            continue
        name = ev.get("Test")
        if ev.get("Action") == "output":
            print("# " + ev["Output"].rstrip("\n"))
            if name:
                output.setdefault(name.split("/")[0], []).append(ev["Output"])
        elif name and "/" not in name and ev.get("Action") in ("pass", "fail", "skip"):
            action[name] = ev["Action"]

failed = 0
for n, t in enumerate(tests, 1):
    a = action.get(t)
    if a == "pass":
        print(f"ok {n} {suite}.{t}")
    elif a == "skip":
        # The test's own t.Skip message: "    file_test.go:N: reason".
        why = [m.group(1) for m in
               (re.match(r"\s+\S+\.go:\d+: (.*)", o) for o in output.get(t, [])) if m]
        print(f"ok {n} {suite}.{t} # SKIP {why[-1] if why else 'skipped by go test'}")
    else:
        failed = 1
        print(f"not ok {n} {suite}.{t}" + ("" if a else " # no result"))
print(f"1..{len(tests)}")
sys.exit(failed)
EOF
