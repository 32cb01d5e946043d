# lanes: clients
# timeout: 120
# A client killed mid-frame (kill -9 kmscube) leaves the display and the
# console working: the next capture shows fbcon.
rootfs_mount || exit 1
rm -f /tmp/kk.in; mkfifo /tmp/kk.in
exec 3<> /tmp/kk.in
chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
	kmscube -D /dev/dri/card0 < /tmp/kk.in > /tmp/kk.log 2>&1 &
pid=$!
sleep 4
kill -9 $pid; wait $pid 2>/dev/null
exec 3>&-
sleep 1
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER KILL' > /dev/tty1
sleep 0.5
shot after_kill glyphs 8 16 2 4 AFTER_KILL
