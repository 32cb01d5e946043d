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
	if [ ! -f "/tests/t_$t.sh" ]; then
		ctl RESULT "$t" FAIL "no such test"
		continue
	fi
	out=/tmp/$t.log
	sh -c ". /tests/lib.sh; . /tests/t_$t.sh" > "$out" 2>&1
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
if [ -e $KMEMLEAK ]; then
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
ctl DONE
