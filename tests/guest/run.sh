#!/bin/sh
# Guest test runner: runs the tests named in $1 (comma separated, default:
# every t_*.sh) and reports each one to the host harness.  The host owns
# the timeouts: a hung test is killed from outside by ending the guest.
. /tests/lib.sh
list=$(echo "$1" | tr ',' ' ')
if [ -z "$list" ]; then
	list=$(cd /tests && ls t_*.sh | sed 's/^t_//; s/\.sh$//')
fi
ctl RUNNER "$(cut -d' ' -f1 /proc/uptime)"
for t in $list; do
	ctl BEGIN "$t"
	# NAME@K is the K-th repetition of NAME (the harness's --repeat).
	script=/tests/t_${t%@*}.sh
	if [ ! -f "$script" ]; then
		ctl RESULT "$t" FAIL "no such test"
		continue
	fi
	out=/tmp/$t.log
	sh -c ". /tests/lib.sh; . $script" > "$out" 2>&1
	rc=$?
	# The test's own output goes to the host too, for the failure report.
	sed 's/^/@@WCFB OUT /' "$out" > "$CTL"
	if [ $rc = 0 ]; then
		ctl RESULT "$t" PASS
	elif [ $rc = 77 ]; then
		ctl RESULT "$t" SKIP "$(tail -n1 "$out")"
	else
		ctl RESULT "$t" FAIL "exit $rc: $(tail -n1 "$out")"
	fi
done
# Debug kernel (hw/qemu/debug-kernel.config): kmemleak does not scan by
# itself there; scan now that every test ran (an object must be 5 s old
# to be reported) and report what it found as one more result.  Its
# "unreferenced object" lines go to the serial line as they are: the
# harness fails on them (KERNEL_TROUBLE) and shows them.
KMEMLEAK=/sys/kernel/debug/kmemleak
# (wcfb_kmemleak=0: a lane whose tests leave reports on purpose, the
# harness self-test's, skips the scan.)
if [ -e $KMEMLEAK ] && [ "${wcfb_kmemleak:-1}" != 0 ]; then
	ctl BEGIN kmemleak
	sleep 6
	echo scan > $KMEMLEAK
	cat $KMEMLEAK > /tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		cat /tmp/kmemleak.txt > "$CTL"
		ctl RESULT kmemleak FAIL "$(grep -c 'unreferenced object' /tmp/kmemleak.txt) leak(s)"
	else
		ctl RESULT kmemleak PASS
	fi
fi
# Debug kernel, last of all: its checkers were really on, and are still
# on after every test above and the kmemleak scan.  Lockdep switches
# itself off at its first report and KASAN and DMA-API debug print only
# their first, so one report the harness missed would hide every later
# one: "debug_locks: 1", a DMA-API error count of 0 and no warning or
# bad-page taint at the very end mean nothing was hidden.  (Identified by
# the release string hw/qemu/debug-kernel.config gives it, not by the
# features checked, so a debug kernel without them fails here.)
debug_kernel_checks() {
	local cfg c f errs taint rc
	cfg=$(zcat /proc/config.gz) || { echo "no /proc/config.gz"; return 1; }
	for c in KASAN_GENERIC KASAN_INLINE DMA_API_DEBUG DMA_API_DEBUG_SG PROVE_LOCKING \
		 DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK FAILSLAB FAIL_PAGE_ALLOC KUNIT; do
		echo "$cfg" | grep -qx "CONFIG_$c=y" || { echo "CONFIG_$c is not set"; return 1; }
	done
	for f in kmemleak failslab fail_page_alloc dma-api/error_count; do
		[ -e /sys/kernel/debug/$f ] || { echo "no /sys/kernel/debug/$f"; return 1; }
	done
	# Each of these is reported, so the result names every checker that
	# stopped (a KASAN report also switches lockdep off, for one).
	rc=0
	grep -q "debug_locks: *1" /proc/lockdep_stats ||
		{ echo "lockdep is off: $(grep debug_locks /proc/lockdep_stats)"; rc=1; }
	errs=$(cat /sys/kernel/debug/dma-api/error_count)
	[ "$errs" = 0 ] || { echo "DMA-API debug counted $errs error(s)"; rc=1; }
	# Taint bits 5 (B, bad page: KASAN) and 9 (W, a warning).
	taint=$(cat /proc/sys/kernel/tainted)
	[ $((taint & (1 << 5 | 1 << 9))) = 0 ] ||
		{ echo "kernel tainted $taint (bad page or warning)"; rc=1; }
	return $rc
}
case "$KREL" in
*-wcfb-debug)
	ctl BEGIN debug_kernel
	debug_kernel_checks > /tmp/debug_kernel.log 2>&1
	rc=$?
	sed 's/^/@@WCFB OUT /' /tmp/debug_kernel.log > "$CTL"
	if [ $rc = 0 ]; then
		ctl RESULT debug_kernel PASS
	else
		ctl RESULT debug_kernel FAIL "$(tail -n1 /tmp/debug_kernel.log)"
	fi
	;;
esac
ctl DONE
