# lanes: clients
# timeout: 120
# libdrm's modetest (unmodified, from Debian) sets three modes on wcfb; each
# screen is its SMPTE pattern, compared pixel-exactly with a golden image
# (tests/golden/, refreshed by `make golden`).
rootfs_mount || exit 1
ids=$(chroot $ROOTFS modetest -M wcfb -c | awk '/^[0-9]+\t[0-9]+\tconnected/ {print $1; exit}')
crtc=$(chroot $ROOTFS modetest -M wcfb -p | awk '/^CRTCs:/ {getline; getline; print $1; exit}')
echo "connector $ids crtc $crtc"
[ -n "$ids" ] && [ -n "$crtc" ] || { chroot $ROOTFS modetest -M wcfb; exit 1; }
fail=0
for mode in 640x480 1024x768 1920x1080; do
	rm -f /tmp/mt.in; mkfifo /tmp/mt.in
	chroot $ROOTFS modetest -M wcfb -s "$ids@$crtc:$mode" < /tmp/mt.in > /tmp/mt.log 2>&1 &
	pid=$!
	exec 3> /tmp/mt.in        # keep the fifo open: modetest waits for Enter
	sleep 1.5
	shot "modetest_$mode" golden tests/golden/modetest_$mode.png || fail=1
	echo >&3; exec 3>&-
	wait $pid || { echo "modetest $mode failed:"; cat /tmp/mt.log; fail=1; }
done
exit $fail
