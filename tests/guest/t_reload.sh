# timeout: 240
# rmmod + insmod five times with a client in between: the pool is back to
# its baseline every time and the kernel logs no warning.
grep -q "^layout cma" $DRI_DEBUG/pool && cma=1 || cma=0
baseline=$(grep -E "^(objects|consumed) " $DRI_DEBUG/pool | tr '\n' ' ')
rmmod wcfb || { echo "rmmod failed"; exit 1; }
cmafree0=$(sed -n 's/^CmaFree: *//p' /proc/meminfo)
dmesg -c > /dev/null
for i in 1 2 3 4 5; do
	insmod $MODDIR/wcfb.ko || { echo "insmod $i failed"; exit 1; }
	now=$(grep -E "^(objects|consumed) " $DRI_DEBUG/pool | tr '\n' ' ')
	[ "$now" = "$baseline" ] || { echo "load $i: pool '$now' != baseline '$baseline'"; exit 1; }
	wcfb-kmstest cycle $i || { echo "client $i failed"; exit 1; }
	rmmod wcfb || { echo "rmmod $i failed"; exit 1; }
	cmafree=$(sed -n 's/^CmaFree: *//p' /proc/meminfo)
	if [ $cma = 1 ] && [ "$cmafree" != "$cmafree0" ]; then
		echo "reload $i: CmaFree $cmafree, was $cmafree0 (leak)"; exit 1
	fi
done
insmod $MODDIR/wcfb.ko || { echo "final insmod failed"; exit 1; }
if dmesg | grep -iE "warn|bug|leak|error"; then echo "kernel complained"; exit 1; fi
echo "5 reloads clean (CmaFree $cmafree0)"
