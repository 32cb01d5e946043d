# lanes: clients
# timeout: 240
# kmscube (unmodified, Mesa's kms_swrast on wcfb's dumb buffers) renders
# N frames; it reports its frame rate, a capture while it runs shows the
# cube (not the console), and after it exits the console is back.
rootfs_mount || exit 1
rm -f /tmp/kc.in; mkfifo /tmp/kc.in
exec 3<> /tmp/kc.in   # kmscube quits when stdin is readable or at EOF
t0=$(cut -d' ' -f1 /proc/uptime)
chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
	kmscube -D /dev/dri/card0 -c 240 < /tmp/kc.in > /tmp/kc.log 2>&1 &
pid=$!
sleep 5
shot kmscube_running distinct 200 || { echo "no rendered scene on screen"; fail=1; }
wait $pid; rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
exec 3>&-
tail -5 /tmp/kc.log
[ $rc = 0 ] || { echo "kmscube exit $rc"; exit 1; }
fps=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", 240 / (b - a) }')
ctl BENCH "{\"name\":\"kmscube\",\"figures\":{\"fps\":{\"value\":$fps,\"unit\":\"fps\"},\"frames\":{\"value\":240,\"unit\":\"frames\"}}}"
exit ${fail:-0}
