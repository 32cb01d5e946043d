# lanes: selftest-debug
# boot: own
# Harness self-test on the debug kernel: wcfb_bugs.ko (tests/kmod/) maps
# 256 bytes for DMA on a device of its own and unmaps 128.  DMA-API debug
# must report it and the harness must FAIL this test with the report;
# selftest.py checks both.  The script itself succeeds once the report is
# in the kernel log, so its FAIL can only come from the harness reading it
# off the serial line.  A boot of its own, as DMA-API debug prints its
# first error only, and the runner's closing check wants a count of 0.
errs=/sys/kernel/debug/dma-api/error_count
[ "$(cat $errs)" = 0 ] || { echo "dma-debug errors before the bug: $(cat $errs)"; exit 1; }
modload wcfb_bugs bug=dmaapi || { echo "loading wcfb_bugs.ko failed"; exit 1; }
wait_until 10 sh -c 'dmesg | grep -q "frees DMA memory with different size"' ||
	{ echo "no dma-debug report in the kernel log"; exit 1; }
[ "$(cat $errs)" = 1 ] || { echo "dma-debug error count $(cat $errs), want 1"; exit 1; }
