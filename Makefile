# SPDX-License-Identifier: GPL-2.0
# netkit-rs: build, boot and test a Linux 7.3 kernel with netkit in Rust or C.
#
#   make run    [IMPL=rust|c] [INTERACTIVE=1]   build, boot, narrated demo
#   make check  [IMPL=rust|c] [T=pattern]       selftests in the VM
#   make bench  [IMPL=c|rust|both]              benchmarks in the VM
#   make fuzz   [IMPL=c|rust|both] [SEED=] [N=] differential netlink/BPF fuzzer
#   make stress [IMPL=c|rust|both] [SECS=] [CYCLES=]
#                                               races: create/delete, attach, lease
#   make lint                                   rustfmt, checkpatch, clippy
#   make fmt                                    rustfmt the repo's Rust files
#   make coverage [IMPL=c|rust|both]            coverage of netkit.c (gcov) or
#                                               netkit.rs (KCOV)
#   make mutants [M=regex] [MUTANTS=file|dir]   one-line mutants of the Rust
#                                               netkit against the suites
#   make kernel [IMPL=..] [KDEBUG=1|lock|kcsan] overlay, configure, build
#   make build-matrix [MATRIX=arches] [IMPL=..] the kernel for arm, riscv,
#                                               loongarch, s390 and um
#   make vm CMD='...'                           run CMD in the VM
#   make shell                                  interactive shell in the VM
#   make env                                    rootfs + toolchain + source
#   make clean                                  unmount, delete NK_CACHE
#
# ARCH=arm64 (run, kernel, vm, shell, check, bench, fuzz, stress, env): an
# arm64 guest under TCG; the default is x86_64.
# NK_CACHE (default /var/cache/netkit-rs) holds everything built or fetched.

IMPL ?= rust
KDEBUG ?= 0
export ARCH IMPL KDEBUG T INTERACTIVE NK_CACHE
# CMD as typed: $(value) keeps make from expanding it, := from re-expanding it.
export NK_VM_CMD := $(value CMD)

NK := tools/nk

.PHONY: all env kernel vm shell check run bench fuzz stress lint fmt clean help coverage \
	mutants build-matrix

all: run

help:
	@sed -n '2,26p' Makefile | sed 's/^# \{0,1\}//'

env:
	@$(NK)/env.sh

kernel:
	@$(NK)/kernel.sh

vm: kernel
	@$(NK)/vm.sh -- bash -c "$$NK_VM_CMD"

shell: kernel
	@$(NK)/vm.sh --interactive

check:
	@$(NK)/check.sh

# IMPL defaults to c for coverage.
coverage:
	@IMPL=$(if $(filter file,$(origin IMPL)),c,$(IMPL)) $(NK)/coverage.sh

mutants:
	@M='$(M)' MUTANTS='$(MUTANTS)' $(NK)/mutants.sh

# IMPL defaults to both.
build-matrix:
	@IMPL=$(if $(filter file,$(origin IMPL)),both,$(IMPL)) MATRIX='$(MATRIX)' $(NK)/build-matrix.sh

run:
	@$(NK)/run.sh

bench:
	@$(NK)/bench.sh

# IMPL defaults to both for fuzz and stress, not to rust.
fuzz:
	@IMPL=$(if $(filter file,$(origin IMPL)),both,$(IMPL)) SEED=$(SEED) N=$(N) $(NK)/fuzz.sh

stress:
	@IMPL=$(if $(filter file,$(origin IMPL)),both,$(IMPL)) SECS=$(SECS) CYCLES=$(CYCLES) $(NK)/stress.sh

lint:
	@$(NK)/lint.sh

fmt:
	@$(NK)/fmt.sh

clean:
	@$(NK)/clean.sh
