# kernel: debug
# The debug lane really runs with its checkers on: the kernel config has
# them (hw/qemu/debug-kernel.config, /proc/config.gz), their debugfs
# files are there, and lockdep has not switched itself off (it does after
# its first report, so "debug_locks: 0" means an earlier test hid one).
cfg=$(zcat /proc/config.gz) || { echo "no /proc/config.gz"; exit 1; }
for c in KASAN_GENERIC KASAN_INLINE DMA_API_DEBUG DMA_API_DEBUG_SG PROVE_LOCKING \
	 DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK FAILSLAB FAIL_PAGE_ALLOC KUNIT; do
	echo "$cfg" | grep -qx "CONFIG_$c=y" || { echo "CONFIG_$c is not set"; exit 1; }
done
for f in kmemleak failslab fail_page_alloc dma-api/error_count; do
	[ -e /sys/kernel/debug/$f ] || { echo "no /sys/kernel/debug/$f"; exit 1; }
done
grep -q "debug_locks: *1" /proc/lockdep_stats ||
	{ echo "lockdep is off:"; grep debug_locks /proc/lockdep_stats; exit 1; }
errs=$(cat /sys/kernel/debug/dma-api/error_count)
echo "DMA-API debug errors so far: $errs"
[ "$errs" = 0 ]
