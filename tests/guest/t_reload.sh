# timeout: 240
# rmmod + insmod five times with a client in between: the driver's pool
# accounting is back to its baseline at every load, the pool's real
# capacity (how many 64 KiB buffers fit) is the same after the reloads as
# before them, and the kernel logs no warning.
capacity() { wcfb-kmstest capacity | sed -n 's/^capacity //p'; }
cap0=$(capacity)
[ -n "$cap0" ] || { echo "cannot measure the pool capacity"; exit 1; }
baseline=$(grep -E "^(objects|consumed|internal) " $DRI_DEBUG/pool | tr '\n' ' ')
dmesg -c > /dev/null
for i in 1 2 3 4 5; do
	rmmod wcfb || { echo "rmmod $i failed"; exit 1; }
	insmod $MODDIR/wcfb.ko || { echo "insmod $i failed"; exit 1; }
	now=$(grep -E "^(objects|consumed|internal) " $DRI_DEBUG/pool | tr '\n' ' ')
	[ "$now" = "$baseline" ] || { echo "load $i: pool '$now' != baseline '$baseline'"; exit 1; }
	wcfb-kmstest cycle $i > /tmp/cycle.log || { cat /tmp/cycle.log; echo "client $i failed"; exit 1; }
done
cap1=$(capacity)
echo "capacity before $cap0, after 5 reloads $cap1 (64 KiB buffers)"
[ "$cap1" = "$cap0" ] || { echo "pool capacity shrank: leak"; exit 1; }
if dmesg | grep -iE "warn|bug|leak|error|fail"; then echo "kernel complained"; exit 1; fi
echo "5 reloads clean"
