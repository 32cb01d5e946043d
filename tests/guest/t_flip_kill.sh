# timeout: 240
# A KMS client SIGKILLed mid-flight: wcfb-kmstest flipstorm (nonblocking
# flips with events, a blocking mode change with fresh buffers every 40
# flips) is killed at 26 different moments, from before its first commit
# to deep into its run, so the kill lands with a flip pending, inside a
# modeset, or between a buffer's creation and its display.  After each:
# the console's buffer is back on screen (the scanout registers point at
# it again, at its size), every buffer the client made is freed once off
# screen (pool counts back to baseline), and the engine programmed no
# invalid configuration.  At the end the console draws and a new client
# flips.
#
# The moments are events, not times, so that they land where they are meant
# to however slow the guest is: the scanout's flip counter (debugfs) moves
# once for each buffer the client puts on screen, 41 times per mode (its
# modeset, then 40 page flips): the Nth flip of its life is its first frame
# for N = 1, a page flip of its first mode for N = 2..41 (after 41 it is
# making the second mode's buffers), the second mode's first frame for
# N = 42, and so on (83: the third mode).
counts() { grep -E "^(objects|consumed) " $DRI_DEBUG/pool; }
screen() { grep -E "^(addr|width|height|stride|format|errors) " $DRI_DEBUG/scanout; }
base=$(counts)
base_screen=$(screen)
settled() { [ "$(counts)" = "$base" ] && [ "$(screen)" = "$base_screen" ]; }
# "at S": S seconds after the client started, before or around its first
# commit: there the time from exec is the moment under test (opening the
# device, creating the first buffers), so those few kills are timed.
# "flips N": once the client has put N buffers on screen.
moments="at:0 at:0.01 at:0.03 at:0.06 at:0.1"
for f in 1 2 3 5 8 13 20 30 38 40 41 42 43 45 50 62 75 81 82 83 85; do
	moments="$moments flips:$f"
done
reached_or_gone() { [ $(($(flips) - f0)) -ge "$arg" ] || ! kill -0 $pid 2>/dev/null; }
n=0 flipping=0 changed=0 landed=
for m in $moments; do
	what=${m%%:*} arg=${m#*:}
	f0=$(flips)
	wcfb-kmstest flipstorm > /tmp/storm.log 2>&1 &
	pid=$!
	if [ "$what" = at ]; then
		# The timed moments (see above): the delay is the thing tested.
		sleep "$arg"
	else
		wait_until 60 reached_or_gone
	fi
	# The judgement is what happened before the kill: the flips counted
	# now, the client still running.
	fk=$(($(flips) - f0))
	alive=0
	kill -0 $pid 2>/dev/null && alive=1
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	grep -q "not ok" /tmp/storm.log && { cat /tmp/storm.log; echo "the client failed before it was killed"; exit 1; }
	[ $alive = 1 ] || { cat /tmp/storm.log; echo "the client ended before its kill ($m)"; exit 1; }
	[ "$what" = at ] || [ $fk -ge "$arg" ] ||
		{ cat /tmp/storm.log; echo "the client put $fk buffers on screen, not $arg, in the wait's limit"; exit 1; }
	# Past a page flip; past a mode change (the second mode's first frame).
	[ $fk -ge 2 ] && flipping=$((flipping + 1))
	[ $fk -ge 42 ] && changed=$((changed + 1))
	n=$((n + 1))
	landed="$landed $m=$fk"
	wait_until 5 settled || {
		echo "after the kill at $m ($fk flips, $(grep -c '^mode ' /tmp/storm.log) modes): not back to the console's state"
		echo "pool now:"; counts; echo "screen now:"; screen
		echo "baseline:"; echo "$base"; echo "$base_screen"
		exit 1
	}
done
echo "moment=flips before the kill:$landed"
echo "$n clients killed ($flipping after a page flip, $changed after a mode change, by the flip counter before the kill), console restored and every buffer freed each time"
# The moments must really spread over the client's life.
[ $flipping -ge 12 ] && [ $changed -ge 6 ] || { echo "too few kills landed while flipping"; exit 1; }
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER KILLS' > /dev/tty1
# Captured until the console's deferred flush has drawn the text.
shot_until 10 fbcon_after_kills glyphs 8 16 2 4 AFTER_KILLS || exit 1
wcfb-kmstest flip 800x600 XR24 5 > /tmp/fk.log 2>&1 || { cat /tmp/fk.log; echo "a new client cannot flip"; exit 1; }
