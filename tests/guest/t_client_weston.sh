# lanes: clients
# timeout: 180
# Weston 10 (unmodified, DRM backend, pixman renderer) on wcfb with a
# client window: its time to first frame (to its first flip), a capture
# showing the desktop background and the client; then Weston is killed and
# the console comes back on the display.
rootfs_mount || exit 1
weston_setup
f0=$(flips)
t0=$(cut -d' ' -f1 /proc/uptime)
chroot $ROOTFS env $env weston --backend=drm-backend.so --use-pixman --tty=1 \
	--config=/tmp/weston.ini --log=/tmp/weston.log &
wpid=$!
fail=0
died() { echo "$1:"; cat $ROOTFS/tmp/weston.log; kill $wpid 2>/dev/null; exit 1; }
# Its first frame is its first flip: the scanout's flip counter moving
# after it started (its socket appears earlier, before any output is up).
flipped_or_gone() { [ "$(flips)" -gt "$f0" ] || ! kill -0 $wpid 2>/dev/null; }
wait_until 30 flipped_or_gone
t1=$(cut -d' ' -f1 /proc/uptime)
[ "$(flips)" -gt "$f0" ] || died "weston put nothing on the display"
ttff=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "weston's first flip after $ttff s"
ctl BENCH "{\"name\":\"weston\",\"figures\":{\"time_to_first_flip\":{\"value\":$ttff,\"unit\":\"s\",\"kind\":\"measured\",\"how\":\"from its start to the scanout's flip counter first moving (polled every 50 ms)\"}}}"
socket() { ls $ROOTFS/run/user/0/ | grep '^wayland-[0-9]$' | head -n1; }
has_socket() { [ -n "$(socket)" ]; }
wait_until 30 has_socket || died "weston made no socket"
sock=$(socket)
# The desktop: Weston's first frames are black until its shell client has
# drawn the background; the host captures until the background is there.
shot_until 30 weston_desktop dominant 204080 0.5 || fail=1
chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-simple-shm > /tmp/shm.log 2>&1 &
cpid=$!
# The client's window on the desktop (its animated squares: many colours).
shot_until 30 weston_client distinct 16 || { fail=1; cat /tmp/shm.log; }
kill $cpid 2>/dev/null
kill $wpid 2>/dev/null    # SIGTERM: Weston exits and gives the VT back
wait $wpid 2>/dev/null
# The console is back: write to it and look for the text (captured until
# the console's deferred flush has drawn it).
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER WESTON' > /dev/tty1
shot_until 10 after_weston glyphs 8 16 2 4 AFTER_WESTON || { echo "console did not come back"; fail=1; }
if [ $fail = 0 ]; then
	tail -5 $ROOTFS/tmp/weston.log
else
	cat $ROOTFS/tmp/weston.log
fi
exit $fail
