# timeout: 400
# rmmod + insmod a hundred times (wcfb_reloads=N on the kernel command
# line changes the count): every load binds the display and the engine
# again, the driver's pool accounting is back to its baseline at every
# load, a client modesets after every tenth, the pool's real capacity
# (how many 64 KiB buffers fit) is the same after the reloads as before
# them, and the kernel logs no warning.  On the debug kernel the lane's
# closing kmemleak scan covers every one of the loads.
n=${wcfb_reloads:-100}
capacity() { wcfb-kmstest capacity | sed -n 's/^capacity //p'; }
cap0=$(capacity)
[ -n "$cap0" ] || { echo "cannot measure the pool capacity"; exit 1; }
baseline=$(grep -E "^(objects|consumed|internal) " $DRI_DEBUG/pool | tr '\n' ' ')
dmesg -c > /dev/null
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	rmmod wcfb || { echo "rmmod $i failed"; exit 1; }
	insmod $MODDIR/wcfb.ko || { echo "insmod $i failed"; exit 1; }
	[ -e /dev/dri/card0 ] || { echo "load $i: no card0"; exit 1; }
	now=$(grep -E "^(objects|consumed|internal) " $DRI_DEBUG/pool | tr '\n' ' ')
	[ "$now" = "$baseline" ] || { echo "load $i: pool '$now' != baseline '$baseline'"; exit 1; }
	if [ $((i % 10)) = 0 ]; then
		wcfb-kmstest cycle $((i / 10)) > /tmp/cycle.log ||
			{ cat /tmp/cycle.log; echo "client after load $i failed"; exit 1; }
	fi
done
t1=$(cut -d' ' -f1 /proc/uptime)
cap1=$(capacity)
echo "capacity before $cap0, after $n reloads $cap1 (64 KiB buffers)"
[ "$cap1" = "$cap0" ] || { echo "pool capacity shrank: leak"; exit 1; }
if dmesg | grep -iE "warn|bug|leak|error|fail"; then echo "kernel complained"; exit 1; fi
dt=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')
echo "$n reloads clean in $dt s"
ctl BENCH "{\"name\":\"reload\",\"figures\":{\"reloads\":{\"value\":$n,\"unit\":\"\"},\"seconds_per_reload\":{\"value\":$(echo "$dt $n" | awk '{printf "%.3f", $1 / $2}'),\"unit\":\"s\"}}}"
