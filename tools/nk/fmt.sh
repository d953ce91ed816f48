#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fmt: rustfmt the repo's Rust files in place, with the kernel's
# .rustfmt.toml and the rootfs's rustfmt (what `make lint` checks).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
IMPL=rust KDEBUG=0 nk_kernel_vars

[ -f "$NK_KSRC/.rustfmt.toml" ] || nk_die "fmt: no kernel source in $NK_KSRC (run: make env)"
rs=$(cd "$NK_REPO" && git ls-files -co --exclude-standard -- '*.rs' | sed "s|^|$NK_REPO/|" | tr '\n' ' ')
nk_mounts
nk_chroot sh -c "cd $NK_KSRC && rustfmt --edition=2021 --config-path .rustfmt.toml $rs"
nk_say "fmt: done"
