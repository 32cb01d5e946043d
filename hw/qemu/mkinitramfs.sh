#!/usr/bin/env bash
# Assembles the guest's initramfs: busybox, the test clients and only the
# shared libraries they link against (the ELF DT_NEEDED closure, found with
# aarch64-linux-gnu-readelf, not apt's dependency closure), the Debian
# kernel modules wcfb needs in depmod order, wcfb.ko, and the guest-side
# test scripts.
#
# Why an initramfs: measured here, an ~11 MB initramfs reaches a shell in
# about 2.5 s and needs no block or 9p drivers (both are modules in the
# Debian kernel).  Rebuilding it after a module change takes well under a
# second, so the 9p trick of sharing the host tree buys nothing yet.
#
# The debug kernel (mkdebugkernel.sh) is built smaller than Debian's: a
# module it does not have (ext4, 9p: no networking) is left out with a
# note, and what it has built in ("builtin" in modprobe's answer) needs no
# file: lib.sh's modload skips it.  EXTRA_KOS="a.ko b.ko" adds more
# out-of-tree modules next to wcfb.ko, each with its NAME.deps.
#
# Usage: mkinitramfs.sh OUT KERNEL_ROOT KREL ARM64_ROOT WCFB_KO GUEST_DIR [BIN...]
set -euo pipefail
out=$1 kroot=$2 krel=$3 aroot=$4 ko=$5 guest=$6; shift 6
bins=("$@")

stage=$(mktemp -d)
# mktemp makes it 0700; it becomes the guest's /, which non-root processes
# must be able to traverse (t_perms runs clients as uid 65534).
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT
# usr/sbin too: busybox --install -s puts applets there (and printed one
# "No such file or directory" per applet without it).
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib,usr/bin,usr/sbin,tests}
chmod 1777 "$stage/tmp"
mkdir -p "$stage/lib/modules/$krel"

cp "$aroot/bin/busybox" "$stage/bin/busybox"

# --- the dynamic-linking closure of every client we ship ---------------------
libdirs=("$aroot/lib/aarch64-linux-gnu" "$aroot/usr/lib/aarch64-linux-gnu")
declare -A have=()
copy_closure() { # copy_closure ELF: copy every DT_NEEDED library, recursively
	local f=$1 lib d
	for lib in $(aarch64-linux-gnu-readelf -d "$f" 2>/dev/null |
		     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${have[$lib]:-}" ] && continue
		have[$lib]=1
		for d in "${libdirs[@]}"; do
			if [ -e "$d/$lib" ]; then
				cp -L "$d/$lib" "$stage/lib/$lib"
				copy_closure "$d/$lib"
				continue 2
			fi
		done
		echo "mkinitramfs: $lib (needed by $(basename "$f")) not found" >&2
		exit 1
	done
}
for b in "${bins[@]}"; do
	cp "$b" "$stage/usr/bin/"
	copy_closure "$b"
done
if [ ${#bins[@]} -gt 0 ]; then
	# The program interpreter every dynamic arm64 binary names.
	cp -L "$aroot/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" "$stage/lib/"
fi

# --- kernel modules: the dependencies of drm_dma_helper (and vgem) in the
# order `modprobe --show-depends` gives on a depmod'ed copy -----------------
[ -f "$kroot/lib/modules/$krel/modules.dep" ] || depmod -b "$kroot" "$krel"
# Each top module gets a NAME.deps file listing what to insmod, in order.
mdir=$stage/lib/modules/$krel
add_deps() { # add_deps TOP MODULE: MODULE and its dependencies into TOP.deps
	local top=$1 m=$2 deps kind path name
	deps=$(modprobe --show-depends -d "$kroot" -S "$krel" "$m" 2>/dev/null) || {
		echo "[initramfs] note: no module $m in $krel, left out" >&2
		return 0
	}
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue	# "builtin NAME"
		name=$(basename "$path" .ko)
		[ -f "$mdir/$name.ko" ] || cp "$path" "$mdir/"
		grep -qx "$name" "$mdir/$top.deps" 2>/dev/null || echo "$name" >> "$mdir/$top.deps"
	done <<< "$deps"
}
# uinput and evdev: wcfb-pointer's pointer for compositors.
for m in drm_dma_helper vgem virtio_mmio virtio_blk ext4 9p 9pnet_virtio uinput evdev; do
	add_deps "$m" "$m"
done
# wcfb.ko and EXTRA_KOS: NAME.deps from each one's own modinfo, in
# the order given (a later module may depend on an earlier one).
for k in "$ko" ${EXTRA_KOS:-}; do
	[ -f "$k" ] || continue
	top=$(basename "$k" .ko)
	cp "$k" "$mdir/$top.ko"
	for dep in $(modinfo -F depends "$k" | tr ',' ' '); do
		if [ -f "$mdir/$dep.ko" ] && ! modprobe -n -q -d "$kroot" -S "$krel" "$dep" 2>/dev/null; then
			# One of ours (wcfb for wcfb_test): its own deps first.
			cat "$mdir/$dep.deps" >> "$mdir/$top.deps" 2>/dev/null || true
			echo "$dep" >> "$mdir/$top.deps"
		else
			add_deps "$top" "$dep"
		fi
	done
done

cp -r "$guest"/. "$stage/tests/"
mv "$stage/tests/init" "$stage/init"
chmod +x "$stage/init" "$stage"/tests/*.sh 2>/dev/null || true

(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "[initramfs] $out $(du -h "$out" | cut -f1)" >&2
