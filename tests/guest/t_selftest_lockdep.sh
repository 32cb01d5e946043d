# lanes: selftest-debug
# boot: own
# Harness self-test on the debug kernel: wcfb_bugs.ko (tests/kmod/) takes
# two mutexes in both orders.  Lockdep must report the inversion and the
# harness must FAIL this test with the report; selftest.py checks both.
# The script itself succeeds once the report is in the kernel log, so its
# FAIL can only come from the harness reading it off the serial line.  A
# boot of its own, as lockdep switches itself off after its first report.
grep -q "debug_locks: *1" /proc/lockdep_stats ||
	{ echo "lockdep was already off before the bug"; exit 1; }
modload wcfb_bugs bug=lockdep || { echo "loading wcfb_bugs.ko failed"; exit 1; }
wait_until 10 sh -c 'dmesg | grep -q "possible circular locking dependency"' ||
	{ echo "no lockdep report in the kernel log"; exit 1; }
