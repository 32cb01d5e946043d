# timeout: 120
# tier: check
# A hot rebind, as IGT's core_hotunplug hotrebind does it: the driver is
# unbound while a client still has the card open and another holds a
# dma-buf of a pool buffer, and bound again before they let go.  The new
# instance comes up as card1 (card0's minor is still the old instance's)
# and shares the pool's attachment; a client of it gets buffers and a
# modeset.  Once the holders close, the old instance goes ("an instance
# is released; 1 still use the pool"), and the pool stays attached for
# the new one: its next client still gets buffers (from outside the pool
# they would be refused).  Then an unbind and bind with nobody holding
# anything gives card0 back, for the tests after.
drv=$WCFB_DRV
dev=$(wcfb_platform_dev) || { echo "no bound wcfb platform device"; exit 1; }
dmesg -c > /dev/null
# On any failure: let go of the old instance and leave the driver bound
# as card0, as the tests after this one expect.
pid= rebound=
fail() {
	echo "$*"
	exec 3>&- 5<&-
	[ -n "$pid" ] && { kill $pid 2>/dev/null; wait $pid; }
	if [ -n "$rebound" ]; then
		wait_until 10 gone || echo "cleanup: the old instance is still alive"
		echo "$dev" > $drv/unbind 2>/dev/null
		echo "$dev" > $drv/bind
		[ -e $DRI_DEBUG ] && [ -e /dev/dri/card0 ] ||
			echo "cleanup: no card0 or $DRI_DEBUG for the tests after this one: $(ls /dev/dri)"
	fi
	exit 1
}
gone() { dmesg | grep -q "an instance is released; 1 still use the pool"; }

dmabuf_hold || fail "hold client did not start"
pid=$HOLD_PID
exec 5<> /dev/dri/card0 || fail "cannot open card0"

echo "$dev" > $drv/unbind || fail "unbind failed"
rebound=1
echo "$dev" > $drv/bind || fail "bind with the old instance still held failed: $(dmesg | tail -3)"
dmesg | grep -q "sharing the pool with a previous instance" ||
	fail "no 'sharing the pool' line: $(dmesg | tail -3)"
[ -e /dev/dri/card1 ] || fail "no card1 for the new instance: $(ls /dev/dri)"
WCFB_TEST_CARD=/dev/dri/card1 wcfb-kmstest cycle ||
	fail "the new instance's client failed beside the old instance"

exec 3>&-
wait $pid
pid=
exec 5<&-
wait_until 10 gone || fail "the old instance was not released: $(dmesg | tail -3)"
WCFB_TEST_CARD=/dev/dri/card1 wcfb-kmstest cycle ||
	fail "the new instance's client failed after the old instance went: $(dmesg | tail -3)"

echo "$dev" > $drv/unbind || fail "plain unbind failed"
echo "$dev" > $drv/bind || fail "plain rebind failed"
[ -e /dev/dri/card0 ] || fail "no card0 after the plain rebind: $(ls /dev/dri)"
wcfb-kmstest cycle || exit 1
if dmesg | grep -iE "warn|bug|leak|oops|refus"; then echo "kernel complained"; exit 1; fi
exit 0
