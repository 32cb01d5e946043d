# timeout: 180
# tier: check
# PRIME both ways (wcfb-primetest), in every pool layout and under
# swiotlb=force: a scanout buffer written through its dma-buf mmap shows
# on screen and vgem (another device) imports and reads it; a cached
# buffer written through its dma-buf mmap between DMA_BUF_IOCTL_SYNC
# START/END is blitted exactly, and the engine's writes are read back
# after SYNC START|READ; a vgem buffer filled by the CPU is imported,
# blitted into a scanout buffer and flipped (capture = pattern); the
# engine writes an imported vgem buffer and the CPU reads it after SYNC;
# a vgem import or a cached buffer as the whole screen is composed
# (t_noblit: without a blitter, AddFB2 refuses them);
# a buffer exported twice (handle closed, GETFB2, export) imports cleanly.
# Afterwards every count in debugfs (pool, prime) is back to baseline.
modload vgem || { echo "cannot load vgem"; exit 1; }
base=$(buffer_counts)
rc=0
wcfb-primetest wcexport 31 || rc=1
wcfb-primetest cached 5 || rc=1
# With the engine acting late on every doorbell, SYNC START|READ comes
# while the engine's write is still queued: the exporter must wait for
# it before syncing for the CPU (under swiotlb=force the sync copies the
# bounce buffer back, and a later write to it would never be seen).
if engine_ctl delay 100; then
	wcfb-primetest cached 6 || { echo "cached readback with a late engine failed"; rc=1; }
	engine_ctl delay 0 || rc=1
else
	echo "the engine model refused the delay"; rc=1
fi
wcfb-primetest vgemsrc 41 || rc=1
wcfb-primetest vgemdst 9 || rc=1
# Two live dma-bufs of one buffer: importing the older one works and
# warns nowhere (a WARN is at KERN_WARNING, below the console's level
# outside the debug lane: read dmesg).
dmesg -c > /dev/null
wcfb-primetest reexport || rc=1
dmesg | grep -A3 "WARNING:" && { echo "kernel warning on reexport"; rc=1; }
# Memory the scanout engine cannot read, as a framebuffer, is composed.
wcfb-primetest vgemfb 17 || rc=1
now=$(buffer_counts)
[ "$now" = "$base" ] || { echo "counts not back to baseline:"; echo "$base"; echo "--"; echo "$now"; rc=1; }
rmmod vgem
exit $rc
