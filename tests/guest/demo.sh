#!/bin/sh
# The demo (make run): the console on the display with a greeting, a client
# (wcfb_demo=console: page-flipped test patterns; kmscube; weston), then
# the console again with a shell on tty1 and on the serial line.  Each
# "ctl DEMO step" makes the host capture the screen.
. /tests/lib.sh
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
{
	printf '\033[2J\033[H'
	echo "wcfb demo: DRM/KMS on write-combined reserved memory, scanned out by ramfb"
	echo
	echo "kernel $(uname -r)"
	sed 's/^/  /' $DRI_DEBUG/pool | head -n 8
	sed 's/^/  /' $DRI_DEBUG/scanout
	echo
	echo "next: ${wcfb_demo:-console} demo client"
} > /dev/tty1
sleep 1
ctl DEMO console
case "${wcfb_demo:-console}" in
kmscube)
	rootfs_mount || exit 1
	exec 3<> /tmp/demo.in 2>/dev/null || { mkfifo /tmp/demo.in; exec 3<> /tmp/demo.in; }
	chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
		kmscube -D /dev/dri/card0 -c 300 < /tmp/demo.in > /tmp/demo.log 2>&1 &
	sleep 6
	ctl DEMO client
	wait
	;;
weston)
	rootfs_mount || exit 1
	mkdir -p $ROOTFS/run/user/0 && chmod 0700 $ROOTFS/run/user/0
	printf '[core]\nrequire-input=false\n[shell]\nbackground-color=0xff204080\npanel-position=none\n' \
		> $ROOTFS/tmp/weston.ini
	env="XDG_RUNTIME_DIR=/run/user/0 SHELL=/bin/sh HOME=/tmp"
	chroot $ROOTFS env $env weston --backend=drm-backend.so --use-pixman --tty=1 \
		--config=/tmp/weston.ini > /tmp/demo.log 2>&1 &
	wpid=$!
	sleep 3
	sock=$(ls $ROOTFS/run/user/0/ | grep '^wayland-[0-9]$' | head -n1)
	chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-flower > /dev/null 2>&1 &
	chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-simple-shm > /dev/null 2>&1 &
	sleep 4
	ctl DEMO client
	sleep 4
	kill $wpid
	wait $wpid
	;;
*)
	wcfb-kmstest show 8 > /dev/null &
	sleep 3
	ctl DEMO client
	wait
	;;
esac
chvt 1
echo "client done; the console is back. Shell on the serial line and on tty1." > /dev/tty1
setsid sh -c 'exec sh </dev/tty1 >/dev/tty1 2>&1' &
sleep 1
ctl DEMO ready
