#!/bin/sh
# The DKMS build, as a native arm64 Debian machine would run it (README,
# "Installing with DKMS"), done here against the extracted arm64 headers:
# dkms.conf's MAKE line with the cross compiler passed in
# WCFB_DKMS_KBUILD_ARGS, in a private dkms tree.  The module it builds
# must have the same modinfo (but its file name) as `make module`'s.
# TAP output for the harness's host suites.
#   tests/dkms/check.sh KERNEL_HEADERS KERNELRELEASE MAKE_MODULE
set -u
kh=$1 krel=$2 ref=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d /tmp/wcfb-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

command -v dkms > /dev/null
tap $? dkms_installed
# What `dkms add` copies: the tree as git has it.
mkdir -p "$tmp/src/wcfb-$ver" "$tmp/tree" "$tmp/install"
(cd "$top" && git ls-files -z drm fbdev include hw/proto dkms.conf |
	xargs -0 cp --parents -t "$tmp/src/wcfb-$ver")
WCFB_DKMS_STRIP=no \
WCFB_DKMS_KBUILD_ARGS="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-gcc-12" \
	dkms --dkmstree "$tmp/tree" --sourcetree "$tmp/src" --installtree "$tmp/install" \
	build -m wcfb -v "$ver" -k "$krel" --kernelsourcedir "$kh" > "$tmp/build.log" 2>&1
rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$tmp/build.log"
tap $rc dkms_build
ko=$(find "$tmp/tree/wcfb/$ver/$krel" -name wcfb.ko 2>/dev/null | head -n1)
[ -n "$ko" ]
tap $? dkms_module_built
modinfo "$ref" | grep -v '^filename:' > "$tmp/ref.txt"
modinfo "$ko" 2>/dev/null | grep -v '^filename:' > "$tmp/dkms.txt"
if [ -s "$tmp/ref.txt" ] && diff "$tmp/ref.txt" "$tmp/dkms.txt" > "$tmp/diff.txt"; then
	tap 0 dkms_modinfo_same_as_make
else
	sed 's/^/# /' "$tmp/diff.txt"
	tap 1 dkms_modinfo_same_as_make
fi
