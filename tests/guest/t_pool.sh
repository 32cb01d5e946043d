# Allocations lie inside the device-tree pool; exhausting the pool fails
# dumb-create with ENOMEM and the driver keeps working afterwards.
# tier: check
# Where the buffers are is not taken from the driver: wcfb-kmstest tags
# every page of its own mmaps and finds the tags in the physical memory of
# the pool the device tree names (/proc/kcore, /dev/mem), with the
# driver's debugfs as a cross-check only.  The debug kernel has neither
# reader (hw/qemu/debug-kernel.config: no PROC_KCORE, no DEVMEM), so there
# the driver's own figures are all it checks.
how=
case "$KREL" in *-wcfb-debug) how=debugfs ;; esac
wcfb-kmstest poolcheck $how || exit 1
wcfb-kmstest exhaust $how
