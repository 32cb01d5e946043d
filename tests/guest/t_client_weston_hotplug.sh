# lanes: clients
# timeout: 180
# Weston follows the connector: with udev's daemon running (it passes the
# kernel's hotplug uevents on to Weston's libudev monitor, as on a real
# system), the connector is disconnected through the DRM core's sysfs
# "status" file and Weston turns its output off -- the screen goes black
# and the flip counter stops -- then connected again ("detect") and
# Weston brings the output back with its desktop.
rootfs_mount || exit 1
[ -x $ROOTFS/usr/bin/udevadm ] && [ -L $ROOTFS/lib/systemd/systemd-udevd ] || { echo "no systemd-udevd in the client rootfs"; exit 1; }
weston_setup
# Weston appends to its log: an earlier test's Weston may have written it.
rm -f $ROOTFS/tmp/weston.log
udevd_start || exit 1
chroot $ROOTFS env $env weston --backend=drm-backend.so --use-pixman --tty=1 \
	--config=/tmp/weston.ini --log=/tmp/weston.log &
wpid=$!
fail=0
died() {
	echo "$1:"; cat $ROOTFS/tmp/weston.log
	kill $wpid 2>/dev/null; udevd_stop; exit 1
}
# Pixel-exact: weston_setup's desktop is its background colour alone (no
# panel, no input, so no pointer), at the preferred mode.
shot_until 30 weston_hotplug_desktop solid 204080 1024 768 || died "no desktop"
st=$(echo /sys/class/drm/card*-Virtual-1)/status
[ -w "$st" ] || died "no connector status file"

echo off > $st
[ "$(cat $st)" = disconnected ] || died "the connector did not go off"
# Weston disables the output: the CRTC goes off and the engine is parked
# on black.
shot_until 30 weston_hotplug_off dominant 000000 0.99 || { fail=1; echo "Weston kept its output on the disconnected connector"; }
f0=$(flips); sleep 0.5
[ "$(flips)" = "$f0" ] || { fail=1; echo "flips continue on the disconnected connector"; }

echo detect > $st
[ "$(cat $st)" = connected ] || died "the connector did not come back"
shot_until 30 weston_hotplug_back solid 204080 1024 768 || { fail=1; echo "Weston did not bring the output back"; }
# Weston says so too: the output enabled once at start, once on reconnect.
n=$(grep -c "Output 'Virtual-1' enabled" $ROOTFS/tmp/weston.log)
[ "$n" = 2 ] || { fail=1; echo "Weston enabled its output $n times, want 2 (start, reconnect)"; }

kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
udevd_stop
chvt 1
if [ $fail = 0 ]; then
	tail -8 $ROOTFS/tmp/weston.log
else
	cat $ROOTFS/tmp/weston.log
fi
exit $fail
