#!/bin/sh
# The demo (make run): the console on the display with a greeting, a client
# (wcfb_demo=console: page-flipped test patterns; kmscube; weston), then
# the console again with a shell on tty1 and on the serial line.  Each
# "ctl DEMO step" makes the host capture the screen.
. /tests/lib.sh
# console_shown: wait until what was written to tty1 is on the scanout.
# fbcon's damage is flushed later by a worker, counted in debugfs fbdev.  A
# blank written after reading the counter (at the cursor, so nothing
# visible changes) makes sure one more flush comes; the first flush
# counted after the read has collected everything written before it.
flushes() { awk '$1 == "engine_flushes" || $1 == "cpu_flushes" { n += $2 } END { print n + 0 }' $DRI_DEBUG/fbdev; }
console_shown() {
	_c=$(flushes)
	printf ' \b' > /dev/tty1
	wait_until 10 _flushed_since "$_c"
}
_flushed_since() { [ "$(flushes)" -gt "$1" ]; }
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
console_shown
ctl DEMO console
case "${wcfb_demo:-console}" in
kmscube)
	rootfs_mount || exit 1
	# kmscube quits as soon as its stdin is readable: a FIFO held open
	# here, never written (a plain file, which "3<>" creates when the
	# FIFO is missing, reads as EOF at once and kmscube stops after a few
	# frames).
	rm -f /tmp/demo.in; mkfifo /tmp/demo.in
	exec 3<> /tmp/demo.in
	chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
		kmscube -D /dev/dri/card0 -c 300 < /tmp/demo.in > /tmp/demo.log 2>&1 &
	# Captured once it is flipping frames: its start-up (Mesa over the
	# rootfs share, the first software-rendered frames) takes as long as
	# the guest needs, not a guessed time.
	wait_flips 30 || { echo "kmscube is not flipping (flips $(flips))"; cat /tmp/demo.log; }
	ctl DEMO client
	wait
	;;
weston)
	rootfs_mount || exit 1
	mkdir -p $ROOTFS/run/user/0 && chmod 0700 $ROOTFS/run/user/0
	# No fade-in: the desktop is on screen as soon as it is drawn.
	printf '[core]\nrequire-input=false\n[shell]\nbackground-color=0xff204080\npanel-position=none\nstartup-animation=none\n' \
		> $ROOTFS/tmp/weston.ini
	env="XDG_RUNTIME_DIR=/run/user/0 SHELL=/bin/sh HOME=/tmp"
	f0=$(flips)
	chroot $ROOTFS env $env weston --backend=drm-backend.so --use-pixman --tty=1 \
		--config=/tmp/weston.ini > /tmp/demo.log 2>&1 &
	wpid=$!
	# Weston's first frame is black, until its shell client has drawn the
	# desktop: its hash (the in-guest screenshot of the scanout buffer) is
	# what the screen must have moved away from before the capture.
	screen_hash() { wcfb-screenshot /tmp/demo-shot.png 2>/dev/null | awk '$1 == "rgbhash" { print $2 }'; }
	wait_until 30 _flipped_since "$f0" 1 || echo "weston put nothing on the display"
	h0=$(screen_hash)
	drawn() { h=$(screen_hash); [ -n "$h" ] && [ "$h" != "$h0" ]; }
	socket() { ls $ROOTFS/run/user/0/ | grep '^wayland-[0-9]$' | head -n1; }
	has_socket() { [ -n "$(socket)" ]; }
	wait_until 30 has_socket || echo "weston made no socket"
	sock=$(socket)
	chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-flower > /dev/null 2>&1 &
	chroot $ROOTFS env $env WAYLAND_DISPLAY=$sock weston-simple-shm > /dev/null 2>&1 &
	# Captured once the screen shows more than Weston's first frame and
	# the clients have been presented for 30 frames (simple-shm redraws
	# every frame).
	wait_until 30 drawn || echo "weston drew nothing but its first frame"
	wait_flips 30 || echo "weston is not flipping (flips $(flips))"
	ctl DEMO client
	# The desktop stays up for a viewer of the window, counted in frames.
	wait_flips 240
	kill $wpid
	wait $wpid
	;;
*)
	wcfb-kmstest show 8 > /dev/null &
	# Captured once the patterns are flipping.
	wait_flips 30 || echo "the demo client is not flipping (flips $(flips))"
	ctl DEMO client
	wait
	;;
esac
chvt 1
echo "client done; the console is back. Shell on the serial line and on tty1." > /dev/tty1
console_shown
setsid sh -c 'exec sh </dev/tty1 >/dev/tty1 2>&1' &
ctl DEMO ready
