# lanes: clients
# timeout: 240
# kmscube (unmodified, Mesa's kms_swrast on wcfb's dumb buffers) renders
# 240 frames; it reports its frame rate and start-up time, and a capture
# while it runs shows a rendered scene (hundreds of colours, not the console).
rootfs_mount || exit 1
rm -f /tmp/kc.in; mkfifo /tmp/kc.in
exec 3<> /tmp/kc.in   # kmscube quits when stdin is readable or at EOF
chroot $ROOTFS env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast \
	kmscube -D /dev/dri/card0 -c 240 < /tmp/kc.in > /tmp/kc.log 2>&1 &
pid=$!
# Capture once kmscube is flipping: its "Rendered" lines reach the log
# only when it exits (stdout to a file is block-buffered), and after its
# exit the console takes the display back -- waiting for them raced the
# capture against that restore (a flake: the capture showed the console).
# The scanout's flip counter (debugfs) is what moves while it runs.
f0=$(flips)
flipping_or_gone() { [ $(($(flips) - f0)) -ge 30 ] || ! kill -0 $pid 2>/dev/null; }
wait_until 30 flipping_or_gone
[ $(($(flips) - f0)) -ge 30 ] || { echo "kmscube flipped $(($(flips) - f0)) frames"; cat /tmp/kc.log; exit 1; }
kill -0 $pid 2>/dev/null || { echo "kmscube ended before the capture"; cat /tmp/kc.log; exit 1; }
shot_until 10 kmscube_running distinct 200 || { echo "no rendered scene on screen: $(tr '\n' ' ' < $DRI_DEBUG/scanout)"; fail=1; }
wait $pid; rc=$?
exec 3>&-
tail -5 /tmp/kc.log
[ $rc = 0 ] || { echo "kmscube exit $rc"; exit 1; }
# kmscube's own count: "Rendered N frames in S sec (F fps)", every 2 s; its
# first line (0 frames) is the time to its first frame.
fps=$(sed -n 's/^Rendered [0-9]* frames in .* sec (\([0-9.]*\) fps)/\1/p' /tmp/kc.log | tail -n1)
startup=$(sed -n 's/^Rendered 0 frames in \([0-9.]*\) sec.*/\1/p' /tmp/kc.log | head -n1)
[ -n "$fps" ] || { echo "kmscube printed no frame rate"; exit 1; }
ctl BENCH "{\"name\":\"kmscube\",\"figures\":{\"fps\":{\"value\":$fps,\"unit\":\"fps\"},\"startup\":{\"value\":${startup:-0},\"unit\":\"s\"},\"frames\":{\"value\":240,\"unit\":\"frames\"}}}"
exit ${fail:-0}
