#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make clean: unmount everything under the rootfs and delete NK_CACHE. The
# delete never leaves the cache's filesystem (rm --one-file-system), and
# stops if a mount is left under the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case $NK_CACHE in
/ | /usr | /var | /var/cache | /root | /home | /tmp | "$HOME")
	nk_die "clean: NK_CACHE=$NK_CACHE is not a cache directory of its own" ;;
esac
case $NK_REPO/ in
"$NK_CACHE"/*) nk_die "clean: the checkout $NK_REPO is inside NK_CACHE=$NK_CACHE" ;;
esac
case $NK_CACHE/ in
"$NK_REPO"/*) nk_die "clean: NK_CACHE=$NK_CACHE is inside the checkout" ;;
esac

# Deepest first; a lazy unmount if a plain one is refused (busy).
for m in $(awk -v c="$NK_CACHE/" 'index($2, c) == 1 {print $2}' /proc/mounts | sort -r); do
	umount "$m" 2>/dev/null || umount -l "$m"
done
left=$(awk -v c="$NK_CACHE/" 'index($2, c) == 1 {print $2}' /proc/mounts)
[ -z "$left" ] || nk_die "clean: still mounted, nothing deleted: $left"
nk_say "clean: deleting $NK_CACHE ($(du -sxh "$NK_CACHE" 2>/dev/null | cut -f1))"
rm -rf --one-file-system "$NK_CACHE"
printf '[nk] clean: done\n' >&2
