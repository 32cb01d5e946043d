# lanes: clients
# timeout: 120
# A client killed mid-frame (kill -9 kmscube) leaves the display and the
# console working: the next capture shows fbcon.  kmscube is killed only
# once it was seen rendering (the scanout's flip counter moving: its
# stdout, block-buffered to a file, says nothing before it exits), so the
# kill lands in a running client, not in one still starting up.
rootfs_mount || exit 1
rm -f /tmp/kk.in; mkfifo /tmp/kk.in
exec 3<> /tmp/kk.in   # kmscube quits when stdin is readable or at EOF
chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
	kmscube -D /dev/dri/card0 < /tmp/kk.in > /tmp/kk.log 2>&1 &
pid=$!
f0=$(flips)
# Until it has flipped 10 frames, or is gone (then it never will).
rendering_or_gone() { [ $(($(flips) - f0)) -ge 10 ] || ! kill -0 $pid 2>/dev/null; }
wait_until 30 rendering_or_gone
if [ $(($(flips) - f0)) -lt 10 ]; then
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
	cat /tmp/kk.log
	echo "kmscube never rendered (flips $f0 -> $(flips))"
	exit 1
fi
kill -0 $pid 2>/dev/null || { cat /tmp/kk.log; echo "kmscube ended before the kill"; exit 1; }
echo "kmscube rendering (flips $(flips)): kill -9"
kill -9 $pid
wait $pid 2>/dev/null
exec 3>&-
# Its file is closed with the process: the console takes the display back
# (the fbdev client's restore on the last close), then draws.
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER KILL' > /dev/tty1
shot_until 10 after_kill glyphs 8 16 2 4 AFTER_KILL
