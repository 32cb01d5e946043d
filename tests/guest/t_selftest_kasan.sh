# lanes: selftest-debug
# boot: own
# Harness self-test on the debug kernel: wcfb_bugs.ko (tests/kmod/) writes
# one byte past a 13-byte kmalloc().  KASAN must report it and the harness
# must FAIL this test with the report; selftest.py checks both.  The script
# itself succeeds once the report is in the kernel log, so its FAIL can
# only come from the harness reading the report off the serial line.  A
# boot of its own, as KASAN reports only its first error per boot.
modload wcfb_bugs bug=kasan || { echo "loading wcfb_bugs.ko failed"; exit 1; }
wait_until 10 sh -c 'dmesg | grep -q "BUG: KASAN: slab-out-of-bounds"' ||
	{ echo "no kasan report in the kernel log"; exit 1; }
