# lanes: clients
# timeout: 180
# Weston 10 (unmodified, DRM backend, pixman renderer) on wcfb with a
# client window: time to first frame, a capture showing the desktop
# background and the client; then Weston is killed and the console comes
# back on the display.
rootfs_mount || exit 1
mkdir -p $ROOTFS/run/user/0 && chmod 0700 $ROOTFS/run/user/0
cat > $ROOTFS/tmp/weston.ini <<'INI'
[core]
require-input=false
idle-time=0

[shell]
background-color=0xff204080
panel-position=none
locking=false
animation=none
startup-animation=none
INI
env="XDG_RUNTIME_DIR=/run/user/0 SHELL=/bin/sh HOME=/tmp"
t0=$(cut -d' ' -f1 /proc/uptime)
chroot $ROOTFS env $env weston --backend=drm-backend.so --use-pixman --tty=1 \
	--config=/tmp/weston.ini --log=/tmp/weston.log &
wpid=$!
i=0
while [ ! -S $ROOTFS/run/user/0/wayland-1 ] && [ ! -S $ROOTFS/run/user/0/wayland-0 ]; do
	i=$((i + 1)); [ $i -gt 300 ] && { echo "weston did not start:"; cat $ROOTFS/tmp/weston.log; exit 1; }
	sleep 0.1
done
t1=$(cut -d' ' -f1 /proc/uptime)
sock=$(ls $ROOTFS/run/user/0/ | grep '^wayland-[0-9]$' | head -n1)
ttff=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "weston ready (socket $sock) after $ttff s"
ctl BENCH "{\"name\":\"weston\",\"figures\":{\"time_to_first_frame\":{\"value\":$ttff,\"unit\":\"s\"}}}"
sleep 1
fail=0
shot weston_desktop dominant 204080 0.5 || fail=1
chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-simple-shm > /tmp/shm.log 2>&1 &
cpid=$!
sleep 3
shot weston_client distinct 16 || fail=1
kill $cpid 2>/dev/null
kill $wpid 2>/dev/null    # SIGTERM: Weston exits and gives the VT back
wait $wpid 2>/dev/null
sleep 1
# The console is back: write to it and look for the text.
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER WESTON' > /dev/tty1
sleep 0.5
shot after_weston glyphs 8 16 2 4 AFTER_WESTON || { echo "console did not come back"; fail=1; }
tail -5 $ROOTFS/tmp/weston.log
exit $fail
