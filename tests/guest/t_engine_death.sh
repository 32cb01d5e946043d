# boot: own
# timeout: 150
# The blitter's device model is SIGKILLed by the harness with a batch in
# flight (as real hardware can fall off the bus).  The driver must fail
# the work (fences with errors, no hang), declare the engine dead (blits
# refused with ENODEV, HAS_BLITTER 0) and keep everything else working:
# page flips, the console, and an unload/reload of the module, which
# then binds the silent engine without blits instead of deferring the
# display for ever.  Its own boot: later tests must not inherit a dead
# engine.
base=$(buffer_counts)
# The kill must land with the batch in flight, whatever the host's load:
# the client has the model act on its batch's doorbell 500 ms late and
# asks for the kill right after it.  Its output says which it was.
wcfb-blittest death > /tmp/death.log 2>&1; rc=$?
cat /tmp/death.log
[ $rc = 0 ] || exit 1
grep -q "in-flight batch ends after .*(it had completed)" /tmp/death.log &&
	{ echo "the batch had completed before the kill: not the case this test is for"; exit 1; }
dmesg | grep -E "wcfb.*(respond|reset|progress)" | head -5
wcfb-kmstest flip 800x600 XR24 11 > /tmp/ed.log 2>&1 || { cat /tmp/ed.log; echo "display broken after the engine died"; exit 1; }
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    ENGINE GONE' > /dev/tty1
# Captured again until the deferred flush has put the text on screen.
shot_until 10 fbcon_engine_dead glyphs 8 16 2 4 ENGINE_GONE || exit 1
# ... drawn by the console's CPU flush path now (fbdev/wcfb_fbdev.c).
[ "$(awk '$1 == "cpu_flushes" { print $2 }' $DRI_DEBUG/fbdev)" -gt 0 ] ||
	{ cat $DRI_DEBUG/fbdev; echo "the console was not flushed by the CPU after the engine died"; exit 1; }
# The failed jobs' buffers are freed by the engine's cleanup worker: wait
# for the counts to come back (a leak never does).
at_base() { [ "$(buffer_counts)" = "$base" ]; }
wait_until 10 at_base || { echo "counts not back to baseline:"; echo "$base"; echo "--"; buffer_counts; exit 1; }

# Reload: the engine PCI driver binds the silent engine dead; the display
# must come up anyway.
t0=$(cut -d' ' -f1 /proc/uptime)
rmmod wcfb || { echo "rmmod with a dead engine failed"; exit 1; }
t1=$(cut -d' ' -f1 /proc/uptime)
insmod $MODDIR/wcfb.ko || { echo "insmod after the engine died failed"; exit 1; }
t2=$(cut -d' ' -f1 /proc/uptime)
echo "rmmod took $(echo "$t0 $t1" | awk '{print $2 - $1}') s, insmod $(echo "$t1 $t2" | awk '{print $2 - $1}') s"
wait_until 5 [ -e /dev/dri/card0 ] || { dmesg | tail -20; echo "the display did not come back without its engine"; exit 1; }
dmesg | grep -E "wcfb.*does not respond" | tail -2
wcfb-blittest noengine || exit 1
wcfb-kmstest flip 1024x768 XR24 13 > /tmp/ed.log 2>&1 || { cat /tmp/ed.log; echo "display broken after reload"; exit 1; }
echo "engine death survived"
