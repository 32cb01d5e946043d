#!/usr/bin/env bash
# Builds the guest device tree: QEMU's own `virt` DTB, dumped with exactly
# the machine flags the harness boots with, plus wcfb's nodes from dts/.
#
# Usage: mkdtb.sh OUT.dtb LAYOUT(cma|nomap) DUMP_CACHE_DIR [EXTRA.dtsi] -- QEMU MACHINE ARGS...
# EXTRA.dtsi (tests only) is merged last, e.g. to add broken nodes.
#
# The dump is cached by a hash of the QEMU version and the flags, so it is
# regenerated whenever either changes.  QEMU pads its dump to 1 MiB and
# this kernel stops before its first message when booted with it as is,
# so the merged tree is always recompiled with dtc.
set -euo pipefail
out=$1 layout=$2 cachedir=$3; shift 3
extra=
if [ "$1" != -- ]; then extra=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift; fi
[ "$1" = -- ] && shift
here=$(cd "$(dirname "$0")/../.." && pwd)
dts="$here/dts"
[ -f "$dts/wcfb-pool-$layout.dtsi" ] || { echo "mkdtb: unknown layout '$layout'" >&2; exit 1; }

qver=$(qemu-system-aarch64 --version | head -n1)
key=$(printf '%s\n' "$qver" "$@" | sha256sum | cut -c1-16)
mkdir -p "$cachedir"
dump="$cachedir/virt-$key.dts"
if [ ! -f "$dump" ]; then
	echo "[dtb] dumping QEMU virt DTB ($qver; $*)" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	qemu-system-aarch64 "$@" -machine dumpdtb="$tmp/virt.dtb" -display none \
		-nodefaults >/dev/null 2>&1 || true
	[ -s "$tmp/virt.dtb" ] || { echo "mkdtb: QEMU did not dump a DTB" >&2; exit 1; }
	dtc -q -I dtb -O dts -o "$dump.tmp" "$tmp/virt.dtb"
	mv "$dump.tmp" "$dump"
fi

merged="${out%.dtb}.dts"
{
	cat "$dump"
	echo
	echo "/include/ \"wcfb-pool-$layout.dtsi\""
	echo "/include/ \"wcfb-display.dtsi\""
	[ -f "$dts/wcfb-engine.dtsi" ] && echo "/include/ \"wcfb-engine.dtsi\""
	[ -n "$extra" ] && echo "/include/ \"$extra\""
} > "$merged"
dtc -q -I dts -O dtb -i "$dts" -o "$out" "$merged"
echo "[dtb] $out ($layout pool)" >&2
