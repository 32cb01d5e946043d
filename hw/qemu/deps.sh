#!/usr/bin/env bash
# Installs everything wcfb needs on a Debian bookworm x86_64 host, once.
#
#  - host packages through apt (QEMU, cross compiler, dtc, cpio, kmod, ...)
#  - the Debian arm64 kernel image + matching headers, the amd64 kbuild
#    tools, and the arm64 userspace libraries, each fetched with
#    `apt-get download` and unpacked with `dpkg-deb -x` under $CACHE.
#    No arm64 package is ever `apt-get install`ed (that would pull
#    gcc-12:arm64 and break the host compiler).
#
# The kernel ABI is resolved from the linux-image-arm64:arm64 metapackage,
# never hard-coded.  A second run is a no-op: every step checks a stamp.
#
# Usage: deps.sh CACHE_DIR      (prints KEY=VALUE lines to $CACHE/env.mk)
set -euo pipefail

CACHE=${1:?usage: deps.sh CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

say() { printf '[deps] %s\n' "$*" >&2; }

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { say "need root or sudo"; exit 1; }
	SUDO=sudo
fi

HOST_PKGS="qemu-system-arm qemu-utils gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	device-tree-compiler cpio kmod libpng-dev pkg-config python3
	make gcc bc flex bison libelf-dev libssl-dev linux-source-6.1 sparse
	dpkg-dev xz-utils zstd"

# Multiarch must be on before apt can resolve linux-image-arm64:arm64.
need_update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "enabling the arm64 architecture for apt look-ups"
	$SUDO dpkg --add-architecture arm64
	need_update=1
fi

missing=""
for p in $HOST_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ] || [ $need_update = 1 ] ||
   ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
	say "apt-get update"
	$SUDO apt-get update -q >&2
fi
if [ -n "$missing" ]; then
	say "installing host packages:$missing"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing >&2
fi
# dkms for the DKMS check (tests/dkms/check.sh), without its recommended
# amd64 kernel headers: it only builds against the extracted arm64 ones;
# seabios for the option ROM QEMU's ramfb loads (vgabios-ramfb.bin),
# whose absence QEMU reports at every boot.
nr=""
command -v dkms >/dev/null || nr=" dkms"
[ -e /usr/share/seabios/vgabios-ramfb.bin ] || nr="$nr seabios"
if [ -n "$nr" ]; then
	say "installing$nr"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $nr >&2
fi

# --- the Debian arm64 kernel, resolved from the metapackage -----------------
ABI=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/^ *Depends: linux-image-\([0-9.]*-[0-9]*\)-arm64\(:arm64\)\?$/\1/p' | head -n1)
[ -n "$ABI" ] || { say "cannot resolve the kernel ABI from linux-image-arm64:arm64"; exit 1; }
KREL="$ABI-arm64"

# The arm64 userspace the guest needs: busybox, libc, libdrm, libpng.
ARM64_PKGS="busybox-static libc6 libdrm2 libdrm-dev libpng16-16 libpng-dev zlib1g"

debs="$CACHE/debs"
mkdir -p "$debs"
fetch() { # fetch PKG:ARCH... into $debs, skipping what is already there
	local want=()
	for p in "$@"; do
		local name=${p%%:*} arch=${p##*:}
		local ver
		ver=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] || { say "no candidate for $p"; exit 1; }
		ls "$debs/${name}_"*"${ver#*:}_${arch}.deb" >/dev/null 2>&1 || want+=("$p")
	done
	if [ ${#want[@]} -gt 0 ]; then
		say "downloading ${want[*]}"
		# _apt cannot write into root-owned dirs: download as ourselves.
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${want[@]}" >&2)
	fi
}

kroot="$CACHE/kernel/$KREL"
if [ ! -f "$kroot/.stamp" ]; then
	fetch "linux-image-$KREL:arm64" "linux-headers-$KREL:arm64" \
	      "linux-headers-$ABI-common:all" "linux-kbuild-6.1:amd64"
	rm -rf "$kroot"; mkdir -p "$kroot"
	for d in "$debs"/linux-image-"$KREL"_*_arm64.deb "$debs"/linux-headers-"$KREL"_*_arm64.deb \
		 "$debs"/linux-headers-"$ABI"-common_*_all.deb "$debs"/linux-kbuild-6.1_*_amd64.deb; do
		say "unpacking $(basename "$d")"
		dpkg-deb -x "$d" "$kroot"
	done
	# The headers' Makefile includes the common tree by absolute path;
	# point it at our copy so kbuild works from the cache.
	printf 'include %s/usr/src/linux-headers-%s-common/Makefile\n' "$kroot" "$ABI" \
		> "$kroot/usr/src/linux-headers-$KREL/Makefile"
	touch "$kroot/.stamp"
fi

aroot="$CACHE/arm64-root"
stamp="$aroot/.stamp-$(echo "$ARM64_PKGS" | md5sum | cut -c1-8)"
if [ ! -f "$stamp" ]; then
	pkgs=()
	for p in $ARM64_PKGS; do pkgs+=("$p:arm64"); done
	fetch "${pkgs[@]}"
	rm -rf "$aroot"; mkdir -p "$aroot"
	for p in $ARM64_PKGS; do
		ver=$(apt-cache policy "$p:arm64" | sed -n 's/^ *Candidate: //p')
		d=$(ls "$debs/${p}_"*"${ver#*:}_arm64.deb" | head -n1)
		say "unpacking $(basename "$d")"
		dpkg-deb -x "$d" "$aroot"
	done
	# Debian's -dev symlinks are absolute-free; nothing to fix up.
	touch "$stamp"
fi

cat > "$CACHE/env.mk" <<MK
KREL := $KREL
KIMAGE := $kroot/boot/vmlinuz-$KREL
KMODDIR := $kroot/lib/modules/$KREL
KDIR_ARM64 := $kroot/usr/src/linux-headers-$KREL
ARM64_ROOT := $aroot
MK
say "ready: kernel $KREL"
