# timeout: 120
# tier: check
# CPU writes to a cached buffer reach the engine (CPU_FINI / the blit's
# dma_sync_sgtable_for_device), and engine writes reach the CPU (CPU_PREP's
# dma_sync_sgtable_for_cpu).  Then two negative controls where a missing
# sync shows (swiotlb=force: the engine works on bounce buffers, the CPU on
# the pages), each accepting only the stale pixels it predicts, which
# wcfb-blittest reports with their own exit code and a "stale ..." line:
#   test_skip_sync_for_device=1  exit 3: the engine copied last round's
#                                source (the bounce buffer as last synced)
#   test_skip_sync_for_cpu=1     exit 4: the CPU read back what it had
#                                written to the destination before the blit
# Any other failure (setup, a partial or garbled buffer) fails the control.
# Without swiotlb=force, QEMU has no caches to get wrong: skipped.
wcfb-blittest sync 5 || exit 1
grep -q "swiotlb=force" /proc/cmdline || { echo "no swiotlb=force: negative controls skipped"; exit 0; }

# control PARAM WANT_RC WANT_LINE
control() {
	local out rc
	rmmod wcfb || return 1
	insmod $MODDIR/wcfb.ko "$1=1" || return 1
	out=$(wcfb-blittest sync 5)
	rc=$?
	echo "$out"
	if [ $rc != "$2" ]; then
		echo "$1: want exit $2 ($3), got $rc"
		return 1
	fi
	echo "$out" | grep -q "^$3: " || { echo "$1: no '$3' line"; return 1; }
	echo "$1: $3 (expected)"
}
rc=0
control test_skip_sync_for_device 3 "stale for the device" || rc=1
control test_skip_sync_for_cpu 4 "stale for the CPU" || rc=1
rmmod wcfb && insmod $MODDIR/wcfb.ko || rc=1
exit $rc
