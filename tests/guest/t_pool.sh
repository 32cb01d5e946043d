# Allocations lie inside the device-tree pool; IGT-like use (8 mode-sized
# 1920x1080 framebuffers, each shown, next to the console) fits; past the
# pool's size dumb-create fails with ENOMEM, the kernel log gains exactly
# one "pool" line for the burst, and the driver keeps working afterwards.
# tier: check
# Where the buffers are is not taken from the driver: wcfb-kmstest tags
# every page of its own mmaps and finds the tags in the physical memory of
# the pool the device tree names (/proc/kcore, /dev/mem), with the
# driver's debugfs as a cross-check only.  The debug kernel has neither
# reader (hw/qemu/debug-kernel.config: no PROC_KCORE, no DEVMEM), so there
# the driver's own figures are all it checks.
how=
case "$KREL" in *-wcfb-debug) how=debugfs ;; esac

# The pool and what else the boot put in RAM: the initrd (QEMU's, named
# in /chosen), the kernel's default CMA area and swiotlb's buffer (when it
# has one) must all lie outside the pool.
base=$(($(sed -n 's/^base //p' $DRI_DEBUG/pool)))
size=$(sed -n 's/^size //p' $DRI_DEBUG/pool)
echo "pool: base $(printf %#x $base), $((size >> 20)) MiB"
dmesg | grep -E "Reserved memory:|cma: Reserved|software IO TLB: mapped|wcfb.* pool at " |
	cut -c16-
dt_cell() { od -An -tx1 "$1" 2>/dev/null | tr -d ' \n'; }
overlap() {	# NAME START END: fails if [START, END) meets the pool
	echo "$1: $(printf %#x "$2")-$(printf %#x "$3")"
	if [ "$2" -lt $((base + size)) ] && [ "$3" -gt "$base" ]; then
		echo "$1 overlaps the pool"; return 1
	fi
}
rc=0
is=$(dt_cell /proc/device-tree/chosen/linux,initrd-start)
ie=$(dt_cell /proc/device-tree/chosen/linux,initrd-end)
if [ -n "$is" ] && [ -n "$ie" ]; then
	overlap initrd $((0x$is)) $((0x$ie)) || rc=1
fi
for a in $(dmesg | sed -n 's/.*cma: Reserved \([0-9]*\) MiB at \(0x[0-9a-f]*\).*/\2:\1/p'); do
	overlap "default CMA area" $((${a%:*})) $((${a%:*} + (${a#*:} << 20))) || rc=1
done
for r in $(dmesg | sed -n 's/.*software IO TLB: mapped \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1:\2/p'); do
	overlap swiotlb $((${r%:*})) $((${r#*:} + 1)) || rc=1
done
[ $rc = 0 ] || exit 1

wcfb-kmstest poolcheck $how || exit 1
wcfb-kmstest exhaust $how
