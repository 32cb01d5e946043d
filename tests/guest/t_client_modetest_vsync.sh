# lanes: clients
# timeout: 120
# modetest -v: vsynced page flipping; it reports its frame rate, which
# must be the mode's refresh (60 Hz) within 2%.
rootfs_mount || exit 1
ids=$(chroot $ROOTFS modetest -M wcfb -c | awk '/^[0-9]+\t[0-9]+\tconnected/ {print $1; exit}')
crtc=$(chroot $ROOTFS modetest -M wcfb -p | awk '/^CRTCs:/ {getline; getline; print $1; exit}')
rm -f /tmp/mv.in; mkfifo /tmp/mv.in
chroot $ROOTFS modetest -M wcfb -v -s "$ids@$crtc:1024x768" < /tmp/mv.in > /tmp/mv.log 2>&1 &
pid=$!
exec 3> /tmp/mv.in
sleep 12
echo >&3; exec 3>&-
wait $pid
cat /tmp/mv.log | tail -5
fps=$(sed -n 's/.*freq: \([0-9.]*\)Hz.*/\1/p' /tmp/mv.log | tail -n1)
[ -n "$fps" ] || { echo "modetest printed no frame rate"; exit 1; }
ctl BENCH "{\"name\":\"modetest_vsync\",\"figures\":{\"fps\":{\"value\":$fps,\"unit\":\"fps\"}}}"
awk -v f="$fps" 'BEGIN { exit !(f > 58.8 && f < 61.2) }' || { echo "frame rate $fps Hz is not 60"; exit 1; }
