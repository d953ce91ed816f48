#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Adds the local symbols a Rust object asks for in its .rust_symbol_aliases
# section (kernel::net_symbols!): pairs of NUL-terminated strings, a name and
# the symbol whose address it takes, then removes the section. Added to the
# finished object, after every reference in it was resolved, and local, a
# name cannot capture a reference to any other symbol.
#
# Usage: rust_symbol_aliases.sh OBJCOPY OBJDUMP OBJECT

set -eu
objcopy=$1
objdump=$2
obj=$3

$objdump -h "$obj" | grep -q ' \.rust_symbol_aliases ' || exit 0
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.syms"' EXIT
$objcopy --dump-section .rust_symbol_aliases="$tmp" "$obj"
$objdump -t "$obj" >"$tmp.syms"

set -- --remove-section=.rust_symbol_aliases
while IFS= read -r name && IFS= read -r target; do
	# "VALUE FLAGS SECTION SIZE NAME"; FLAGS may hold spaces.
	at=$(awk -v t="$target" '$NF == t { print $(NF - 2) ":0x" $1; exit }' "$tmp.syms")
	if [ -z "$at" ]; then
		echo "$obj: $name: no symbol $target" >&2
		exit 1
	fi
	set -- "$@" --add-symbol "$name=$at,local"
done <<EOT
$(tr '\0' '\n' <"$tmp")
EOT
$objcopy "$@" "$obj"
# llvm-objcopy 19 appends the local symbols after the global ones; a second
# pass orders the table as ELF requires.
$objcopy "$obj"
