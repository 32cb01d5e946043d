# lanes: clients
# timeout: 120
# modetest -v: vsynced page flipping.  modetest queues its next flip only
# from the previous one's completion event and prints "freq: F Hz" every 60
# flips; the test checks what a correct driver guarantees whatever the load:
#   - the events arrive: modetest prints its rate lines (each one is 60
#     completion events it waited for) and goes on flipping;
#   - every flip reaches the display: the scanout's flip counter moves by at
#     least as many flips as modetest reported;
#   - no flip completes before a vblank: a client that waits for each event
#     cannot flip faster than the mode's refresh (60 Hz), so the rate over
#     the reported flips is at most 60 Hz (2% for the two ends' timing).
# How close to 60 Hz it comes depends on the guest keeping up (TCG on a
# busy host): that is a benchmark figure (BENCH), not a check.
rootfs_mount || exit 1
ids=$(chroot $ROOTFS modetest -M wcfb -c | awk '/^[0-9]+\t[0-9]+\tconnected/ {print $1; exit}')
crtc=$(chroot $ROOTFS modetest -M wcfb -p | awk '/^CRTCs:/ {getline; getline; print $1; exit}')
rm -f /tmp/mv.in; mkfifo /tmp/mv.in
# Rate lines to wait for: the first covers the start-up (the mode set, the
# first frame), the other WINDOWS are the measured flips.
WINDOWS=5
rate_lines() { grep -c "freq: " /tmp/mv.log; }
f0=$(flips)
chroot $ROOTFS modetest -M wcfb -v -s "$ids@$crtc:1024x768" < /tmp/mv.in > /tmp/mv.log 2>&1 &
pid=$!
exec 3> /tmp/mv.in
# modetest's stderr (its rate lines) is unbuffered: each line is there as
# soon as its 60th event came.
enough_or_gone() { [ "$(rate_lines)" -gt $WINDOWS ] || ! kill -0 $pid 2>/dev/null; }
wait_until 60 enough_or_gone
f1=$(flips)
n=$(rate_lines)
echo >&3; exec 3>&-
wait $pid; rc=$?
tail -5 /tmp/mv.log
[ "$n" -gt $WINDOWS ] || { echo "modetest reported $n rate lines (want $((WINDOWS + 1))): its flip events did not keep coming"; exit 1; }
[ $rc = 0 ] || { echo "modetest exit $rc"; exit 1; }
[ $((f1 - f0)) -ge $((60 * n)) ] || { echo "modetest reported $((60 * n)) flips, the scanout flipped $((f1 - f0)) times"; exit 1; }
# The rate over the windows after the first: modetest's windows follow each
# other (each starts where the last ended), so their flips over their
# summed lengths is the rate between two events $((60 * WINDOWS)) flips apart.
fps=$(sed -n 's/.*freq: \([0-9.]*\)Hz.*/\1/p' /tmp/mv.log |
	awk -v w=$WINDOWS 'NR > 1 && NR <= w + 1 { t += 60 / $1; n += 60 } END { if (t > 0) printf "%.2f", n / t }')
[ -n "$fps" ] || { echo "modetest's rate lines did not parse"; exit 1; }
echo "$((60 * WINDOWS)) vsynced flips at $fps Hz (events in order: modetest flips only on the previous one's event)"
ctl BENCH "{\"name\":\"modetest_vsync\",\"figures\":{\"fps\":{\"value\":$fps,\"unit\":\"fps\",\"kind\":\"measured\",\"how\":\"modetest -v: 60 x $WINDOWS flips over the sum of its own rate windows\"}}}"
awk -v f="$fps" 'BEGIN { exit !(f <= 61.2) }' || { echo "$fps flips per second: faster than the 60 Hz refresh, flips complete before their vblank"; exit 1; }
exit 0
