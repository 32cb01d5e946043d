# lanes: clients
# timeout: 120
# tier: check
# libdrm's modetest (unmodified, from Debian) sets three modes on wcfb; each
# screen is its SMPTE pattern, compared pixel-exactly with a golden image
# (tests/golden/, refreshed by `make golden`).
rootfs_mount || exit 1
ids=$(chroot $ROOTFS modetest -M wcfb -c | awk '/^[0-9]+\t[0-9]+\tconnected/ {print $1; exit}')
crtc=$(chroot $ROOTFS modetest -M wcfb -p | awk '/^CRTCs:/ {getline; getline; print $1; exit}')
echo "connector $ids crtc $crtc"
[ -n "$ids" ] && [ -n "$crtc" ] || { chroot $ROOTFS modetest -M wcfb; exit 1; }
# mode_up WxH F0: the scanout flipped since F0 and shows a WxH buffer that
# is not the console's.
sc() { sed -n "s/^$1 //p" $DRI_DEBUG/scanout; }
console_addr=$(sc addr)
mode_up() {
	[ "$(flips)" -gt "$2" ] && [ "$(sc addr)" != "$console_addr" ] &&
		[ "$(sc width)x$(sc height)" = "$1" ]
}
fail=0
for mode in 640x480 1024x768 1920x1080; do
	rm -f /tmp/mt.in; mkfifo /tmp/mt.in
	f0=$(flips)
	chroot $ROOTFS modetest -M wcfb -s "$ids@$crtc:$mode" < /tmp/mt.in > /tmp/mt.log 2>&1 &
	pid=$!
	exec 3> /tmp/mt.in        # keep the fifo open: modetest waits for Enter
	# modetest draws its pattern before it sets the mode: once the
	# scanout has flipped to a buffer of the mode's size, the pattern is
	# what it shows (`make golden` refreshes from this capture, so it must
	# not be taken earlier).  The host then captures until the check
	# passes, or fails after the limit.
	wait_until 15 mode_up "$mode" "$f0" || {
		echo "modetest $mode never put its buffer on screen:"
		tr '\n' ' ' < $DRI_DEBUG/scanout; echo; cat /tmp/mt.log; fail=1
	}
	shot_until 5 "modetest_$mode" golden tests/golden/modetest_$mode.png || fail=1
	echo >&3; exec 3>&-
	wait $pid || { echo "modetest $mode failed:"; cat /tmp/mt.log; fail=1; }
done
exit $fail
