#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Adds the local symbols a Rust object asks for in its .rust_symbol_aliases
# section (kernel::net_symbols!): pairs of NUL-terminated strings, a name and
# the symbol whose address it takes, then removes the section. Added to the
# finished object, after every reference in it was resolved, and local, a
# name cannot capture a reference to another symbol.
#
# Usage: rust_symbol_aliases.sh OBJCOPY OBJDUMP OBJECT

set -eu
objcopy=$1
objdump=$2
obj=$3

$objdump -h "$obj" | grep -q ' \.rust_symbol_aliases ' || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$objcopy --dump-section .rust_symbol_aliases="$tmp/aliases" "$obj"
$objdump -t "$obj" >"$tmp/syms"
tr '\0' '\n' <"$tmp/aliases" >"$tmp/list"

set -- --remove-section=.rust_symbol_aliases
while IFS= read -r name; do
	if ! IFS= read -r target; then
		echo "$obj: .rust_symbol_aliases: '$name' has no target" >&2
		exit 1
	fi
	# What net_symbols! writes (a name is a link kind, `_` and [a-z0-9_]);
	# a driver's own asm could write anything.
	case "$name:$target" in
	[!a-z]* | *: | *[!A-Za-z0-9_:]* | *:*:* | *[!a-z0-9_]*:*)
		echo "$obj: .rust_symbol_aliases: bad entry '$name' -> '$target'" >&2
		exit 1 ;;
	esac
	# "VALUE FLAGS SECTION SIZE [.hidden] NAME"; FLAGS may hold spaces.
	at=$(awk -v t="$target" '$NF == t {
		s = ($(NF - 1) == ".hidden") ? $(NF - 3) : $(NF - 2)
		print s ":0x" $1; exit }' "$tmp/syms")
	if [ -z "$at" ]; then
		echo "$obj: $name: no symbol $target" >&2
		exit 1
	fi
	set -- "$@" --add-symbol "$name=$at,local"
done <"$tmp/list"
$objcopy "$@" "$obj"
# llvm-objcopy 19 appends the local symbols after the global ones; a second
# pass orders the table as ELF requires.
$objcopy "$obj"
