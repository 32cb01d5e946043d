# timeout: 120
# CPU writes to a cached buffer reach the engine (CPU_FINI / the blit's
# dma_sync_sgtable_for_device), and engine writes reach the CPU (CPU_PREP's
# dma_sync_sgtable_for_cpu).  Then the negative control: with
# test_skip_sync_for_device=1 the same test must FAIL when DMA goes through
# bounce buffers (swiotlb=force), proving the test can see a missing sync.
# Without swiotlb=force, QEMU has no caches to get wrong: skipped.
wcfb-blittest sync 5 || exit 1
grep -q "swiotlb=force" /proc/cmdline || { echo "no swiotlb=force: negative control skipped"; exit 0; }
rmmod wcfb || exit 1
insmod $MODDIR/wcfb.ko test_skip_sync_for_device=1 || exit 1
if wcfb-blittest sync 5; then echo "missing sync went unnoticed"; rc=1; else echo "missing sync detected (expected)"; rc=0; fi
rmmod wcfb && insmod $MODDIR/wcfb.ko || rc=1
exit $rc
