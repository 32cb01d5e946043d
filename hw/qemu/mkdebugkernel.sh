#!/usr/bin/env bash
# Builds the debug kernel of the "debug" test lane: Debian's own 6.1 source
# (linux-source-6.1, installed by deps.sh), arm64, with the config fragment
# hw/qemu/debug-kernel.config (KASAN, DMA-API debug, lockdep, kmemleak,
# fault injection, KUnit, ...) merged onto an allnoconfig base.
#
#   $CACHE/src/linux-source-6.1/           the source, unpacked once
#   $CACHE/debug-kernel/KEY/build/         the O= build tree (also the KDIR
#                                          external modules build against)
#   $CACHE/debug-kernel/KEY/root/          modules_install staging root
#   $CACHE/debug-kernel/current -> KEY     what the Makefile uses
#   $CACHE/debug-kernel/KEY/kernelrelease  its `uname -r`
#
# KEY is the source package version plus the fragment's hash: a second run
# with the same inputs is a no-op, a changed fragment builds a new tree.
#
# Usage: mkdebugkernel.sh CACHE_DIR
set -euo pipefail

CACHE=${1:?usage: mkdebugkernel.sh CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
JOBS=${JOBS:-2}

say() { printf '[debug-kernel] %s\n' "$*" >&2; }

[ -f "$tarball" ] || { say "$tarball missing: run hw/qemu/deps.sh first"; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key="$srcver-$(md5sum < "$frag" | cut -c1-10)"
top=$CACHE/debug-kernel/$key
build=$top/build
root=$top/root
kmake=(make -s -C "$CACHE/src/linux-source-6.1" O="$build" ARCH=arm64
       CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-gcc-12)

use_it() { ln -sfn "$key" "$CACHE/debug-kernel/current"; touch "$top/.stamp"; }

if [ -f "$top/.stamp" ]; then
	use_it
	say "up to date: $key ($(cat "$top/kernelrelease"))"
	exit 0
fi

# --- the source, once per source package version (checkpatch's target may
# have unpacked scripts/ alone into the same directory: the stamp tells) --
src=$CACHE/src/linux-source-6.1
if [ ! -f "$src/.unpacked-$srcver" ]; then
	say "unpacking $tarball (source $srcver)"
	rm -rf "$src"
	mkdir -p "$CACHE/src"
	tar -C "$CACHE/src" -xf "$tarball"
	touch "$src/.unpacked-$srcver"
fi

# --- a changed fragment: take over the previous tree of the same source,
# so Kbuild rebuilds only what the config change touches ------------------
prev=$(readlink "$CACHE/debug-kernel/current" 2>/dev/null || true)
if [ ! -d "$build" ] && [ -n "$prev" ] && [ "$prev" != "$key" ] &&
   [ "${prev%-*}" = "$srcver" ] && [ -d "$CACHE/debug-kernel/$prev/build" ]; then
	say "reusing the build tree of $prev"
	mkdir -p "$top"
	rm -f "$CACHE/debug-kernel/$prev/.stamp" "$CACHE/debug-kernel/current"
	mv "$CACHE/debug-kernel/$prev/build" "$build"
	rm -rf "$CACHE/debug-kernel/$prev"
fi

# --- config: allnoconfig + our fragment, then check it took ----------------
mkdir -p "$build"
t0=$(date +%s)
say "configuring (allnoconfig + $(basename "$frag"))"
(cd "$src" && ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	scripts/kconfig/merge_config.sh -n -O "$build" "$frag" >"$top/merge.log" 2>&1) || {
	cat "$top/merge.log" >&2; exit 1; }
# Every "=y"/"=m" line of the fragment must be in the final config:
# merge_config.sh only warns when Kconfig drops a value (a missing
# dependency), and a silently absent KASAN would make the lane pointless.
bad=0
while IFS= read -r line; do
	grep -qxF "$line" "$build/.config" || { say "not in the final config: $line"; bad=1; }
done < <(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$frag")
[ $bad = 0 ] || { say "fix $frag (see $top/merge.log)"; exit 1; }

# --- build -----------------------------------------------------------------
say "building Image + modules with -j$JOBS (log: $top/build.log)"
"${kmake[@]}" -j"$JOBS" Image modules >"$top/build.log" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
	sleep 30
	kill -0 $pid 2>/dev/null || break
	say "  $(( $(date +%s) - t0 ))s: $(find "$build" -name '*.o' | wc -l) objects"
done
wait $pid || { tail -n 40 "$top/build.log" >&2; say "build failed"; exit 1; }
"${kmake[@]}" kernelrelease > "$top/kernelrelease"

say "installing modules into $root"
rm -rf "$root"
"${kmake[@]}" INSTALL_MOD_PATH="$root" modules_install >>"$top/build.log" 2>&1
use_it
say "built $(cat "$top/kernelrelease") in $(( $(date +%s) - t0 ))s"
