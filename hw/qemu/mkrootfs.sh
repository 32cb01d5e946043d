#!/usr/bin/env bash
# Builds the large guest root filesystem for the real-client tests: libdrm's
# modetest/proptest, kmscube with Mesa (GBM, EGL, GLES, the kms_swrast
# software rasteriser) and Weston 10 (DRM backend, pixman renderer) with a
# few clients, udev's daemon (which passes the kernel's hotplug uevents
# on to Weston's libudev monitor), and sway 1.7 on wlroots 0.15 with
# swaybg, swaymsg and seatd (wlroots' seat), from Debian's arm64 packages;
# util-linux's setpriv, since sway refuses to run as root.
#
# Packages are fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` (no maintainer scripts) into a staging tree; the rootfs gets
# only what the programs need: their ELF DT_NEEDED closure, the modules they
# dlopen() (Mesa's DRI driver, Weston's backends, renderers and shells) and
# their data (xkb, one font, fontconfig).  apt's own dependency closure is
# ~480 MB unpacked; what the binaries link against is a fraction of it.
#
# Usage: mkrootfs.sh CACHE_DIR OUT_DIR
#   leaves OUT_DIR/ (the tree, shared over 9p) and OUT_DIR.ext4 (the same
#   tree as an ext4 image made with mke2fs -d).
set -euo pipefail
cache=$1 out=$2
say() { printf '[rootfs] %s\n' "$*" >&2; }

TOP="kmscube:arm64 libdrm-tests:arm64 util-linux:arm64 weston:arm64 libgl1-mesa-dri:arm64
     libegl-mesa0:arm64 xkb-data fonts-dejavu-core udev:arm64 sway:arm64 seatd:arm64"
debs="$cache/debs-rootfs"
stage="$cache/rootfs-stage"
key=$(echo "$TOP" | md5sum | cut -c1-8)

if [ ! -f "$stage/.stamp-$key" ]; then
	mkdir -p "$debs"
	# apt's closure, for the downloads only: what is copied is decided
	# below by what the binaries really load.
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances $TOP 2>/dev/null |
		grep -v '^ ' | grep -v '^<' | grep -E ':arm64$|^[^:]+$' | sort -u)
	say "downloading $(echo "$pkgs" | wc -l) packages (cached in $debs)"
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root $pkgs >/dev/null)
	rm -rf "$stage"
	mkdir -p "$stage"
	say "unpacking into $stage"
	for d in "$debs"/*_arm64.deb "$debs"/*_all.deb; do
		dpkg-deb -x "$d" "$stage"
	done
	touch "$stage/.stamp-$key"
fi

rm -rf "$out" "$out.ext4"
mkdir -p "$out"
ML=usr/lib/aarch64-linux-gnu
libdirs=(lib/aarch64-linux-gnu "$ML" "$ML/weston" "$ML/libweston-10"
	 "$ML/pulseaudio" "$ML/systemd")

copy() { # copy PATH (relative to the stage), following links, keeping the path
	mkdir -p "$out/$(dirname "$1")"
	[ -e "$out/$1" ] || cp -L "$stage/$1" "$out/$1"
}
declare -A have=()
closure() { # closure PATH: copy PATH and every library it needs, recursively
	local f=$1 lib d
	copy "$f"
	for lib in $(aarch64-linux-gnu-readelf -d "$stage/$f" 2>/dev/null |
		     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${have[$lib]:-}" ] && continue
		have[$lib]=1
		for d in "${libdirs[@]}"; do
			if [ -e "$stage/$d/$lib" ]; then
				closure "$d/$lib"
				continue 2
			fi
		done
		say "warning: $lib (needed by $f) not found"
	done
}

say "collecting the binaries' DT_NEEDED closure"
for b in usr/bin/modetest usr/bin/proptest usr/bin/kmscube usr/bin/weston \
	 usr/bin/weston-terminal usr/bin/weston-simple-shm usr/bin/weston-flower \
	 usr/bin/weston-info "$ML/weston-desktop-shell" "$ML/weston-keyboard" \
	 "$ML/dri/kms_swrast_dri.so" "$ML/libEGL_mesa.so.0" \
	 "$ML/libweston-10/drm-backend.so" "$ML/libweston-10/gl-renderer.so" \
	 "$ML/weston/desktop-shell.so" \
	 "$ML/weston/kiosk-shell.so" "$ML/libweston-10/color-lcms.so" \
	 usr/bin/sway usr/bin/swaybg usr/bin/swaymsg usr/sbin/seatd usr/bin/setpriv \
	 bin/udevadm; do
	closure "$b"
done
# udevadm is udev's daemon when called by this name.  The package has both
# in /bin and /lib, linked absolutely; the rootfs keeps it out of /bin,
# which the runner's command root takes from the initramfs (busybox).
mkdir -p "$out/usr/bin" "$out/lib/systemd"
mv "$out/bin/udevadm" "$out/usr/bin/udevadm"
rmdir "$out/bin"
ln -sf /usr/bin/udevadm "$out/lib/systemd/systemd-udevd"
# Mesa's DRI loader finds kms_swrast by this name too.
ln -sf kms_swrast_dri.so "$out/$ML/dri/swrast_dri.so"
# glvnd's EGL vendor list, keyboard maps, fonts, libinput's device quirks.
for d in usr/share/glvnd usr/share/X11/xkb usr/share/fonts/truetype/dejavu \
	 etc/fonts usr/share/fontconfig usr/share/libinput; do
	[ -e "$stage/$d" ] || continue
	mkdir -p "$out/$(dirname "$d")"
	# -a: keep links (fontconfig's are absolute, valid inside the guest)
	cp -a "$stage/$d" "$out/$d"
done
# udev's rules that make an input device one libinput takes (ID_INPUT_*,
# by udev's builtin input_id), for wcfb-pointer's uinput device.
mkdir -p "$out/lib/udev/rules.d"
for r in 50-udev-default 60-input-id 60-persistent-input 70-mouse; do
	[ -e "$stage/lib/udev/rules.d/$r.rules" ] &&
		cp "$stage/lib/udev/rules.d/$r.rules" "$out/lib/udev/rules.d/"
done
# The dynamic loader every arm64 binary names.
mkdir -p "$out/lib"
cp -L "$stage/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" "$out/lib/"
mkdir -p "$out"/{dev,proc,sys,tmp,run,etc}
# A user for programs that refuse to run as root (sway): seatd gives it
# the devices.
printf 'root:x:0:0:root:/root:/bin/sh\nwcfb:x:1000:1000:wcfb:/tmp:/bin/sh\n' > "$out/etc/passwd"
printf 'root:x:0:\nwcfb:x:1000:\n' > "$out/etc/group"

size=$(du -sm "$out" | cut -f1)
say "tree: $size MB in $out"
# The same tree as ext4 (no root needed: mke2fs -d), 20% headroom.
mke2fs -q -t ext4 -O ^has_journal -L wcfbroot -d "$out" "$out.ext4" $((size * 12 / 10 + 16))M
say "image: $out.ext4"
