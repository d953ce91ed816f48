#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: build what is missing, boot, run the narrated demo (or a shell
# with INTERACTIVE=1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
nk_kernel_vars

"$NK_REPO/tools/nk/kernel.sh"
"$NK_REPO/tools/nk/tools.sh"
if [ "${INTERACTIVE:-0}" = 1 ]; then
	exec "$NK_REPO/tools/nk/vm.sh" --interactive
fi
exec "$NK_REPO/tools/nk/vm.sh" -- "$NK_REPO/tools/nk/guest/demo.sh"
