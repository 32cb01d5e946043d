# timeout: 120
# tier: check
# A hot rebind, as IGT's core_hotunplug hotrebind does it: the driver is
# unbound while a client still has the card open and another holds a
# dma-buf of a pool buffer, and bound again before they let go.  The new
# instance comes up as card1 (card0's minor is still the old instance's)
# and shares the pool's attachment; a client of it gets buffers and a
# modeset.  Once the holders close, the old instance goes, and the pool
# stays attached for the new one: its next client still gets buffers
# (from outside the pool they would be refused).  Then an unbind and bind
# with nobody holding anything gives card0 back, for the tests after.
drv=/sys/bus/platform/drivers/wcfb
dev=""
for d in $drv/*; do [ -L "$d" ] && [ "${d##*/}" != module ] && dev=${d##*/}; done
[ -n "$dev" ] || { echo "no bound wcfb platform device"; exit 1; }
dmesg -c > /dev/null

rm -f /tmp/hold.fifo
mkfifo /tmp/hold.fifo
wcfb-primetest hold < /tmp/hold.fifo > /tmp/hold.log &
pid=$!
exec 3> /tmp/hold.fifo
wait_until 5 grep -q holding /tmp/hold.log || { echo "hold client did not start"; exit 1; }
exec 5<> /dev/dri/card0 || { echo "cannot open card0"; exit 1; }

echo "$dev" > $drv/unbind || { echo "unbind failed"; exit 1; }
echo "$dev" > $drv/bind || { echo "bind with the old instance still held failed"; dmesg | tail -5; exit 1; }
dmesg | grep -q "sharing the pool with a previous instance" ||
	{ echo "no 'sharing the pool' line"; dmesg | tail -5; exit 1; }
[ -e /dev/dri/card1 ] || { echo "no card1 for the new instance: $(ls /dev/dri)"; exit 1; }
WCFB_TEST_CARD=/dev/dri/card1 wcfb-kmstest cycle ||
	{ echo "the new instance's client failed beside the old instance"; exit 1; }

exec 3>&-
wait $pid
exec 5<&-
gone() { dmesg | grep -q "an earlier instance is gone"; }
wait_until 10 gone || { echo "the old instance was not released"; dmesg | tail -5; exit 1; }
WCFB_TEST_CARD=/dev/dri/card1 wcfb-kmstest cycle ||
	{ echo "the new instance's client failed after the old instance went"; dmesg | tail -5; exit 1; }

echo "$dev" > $drv/unbind || exit 1
echo "$dev" > $drv/bind || { echo "plain rebind failed"; exit 1; }
[ -e /dev/dri/card0 ] || { echo "no card0 after the plain rebind: $(ls /dev/dri)"; exit 1; }
wcfb-kmstest cycle || exit 1
if dmesg | grep -iE "warn|bug|leak|oops|refus"; then echo "kernel complained"; exit 1; fi
exit 0
