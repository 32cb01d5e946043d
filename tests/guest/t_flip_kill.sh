# timeout: 240
# A KMS client SIGKILLed mid-flight: wcfb-kmstest flipstorm (nonblocking
# flips with events, a blocking mode change with fresh buffers every 40
# flips) is killed at 24 different moments, from before its first commit
# to deep into its run, so the kill lands with a flip pending, inside a
# modeset, or between a buffer's creation and its display.  After each:
# the console's buffer is back on screen (the scanout registers point at
# it again, at its size), every buffer the client made is freed once off
# screen (pool counts back to baseline), and the engine programmed no
# invalid configuration.  At the end the console draws and a new client
# flips.
counts() { grep -E "^(objects|consumed) " $DRI_DEBUG/pool; }
screen() { grep -E "^(addr|width|height|stride|format|errors) " $DRI_DEBUG/scanout; }
base=$(counts)
base_screen=$(screen)
settled() {
	local i=0
	while [ $i -lt 40 ]; do
		[ "$(counts)" = "$base" ] && [ "$(screen)" = "$base_screen" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
n=0 flipping=0 changed=0
for d in 0 0.01 0.03 0.05 0.08 0.12 0.17 0.23 0.3 0.38 0.47 0.57 0.68 \
	 0.8 0.93 1.07 1.22 1.38 1.55 1.73 1.92 2.12 2.6 3.1; do
	wcfb-kmstest flipstorm > /tmp/storm.log 2>&1 &
	pid=$!
	sleep $d
	kill -9 $pid
	wait $pid 2>/dev/null
	grep -q "not ok" /tmp/storm.log && { cat /tmp/storm.log; echo "the client failed before it was killed"; exit 1; }
	# How far it got: past its first frame, past a mode change.
	modes=$(grep -c "^mode " /tmp/storm.log)
	[ "$modes" -ge 1 ] && flipping=$((flipping + 1))
	[ "$modes" -ge 2 ] && changed=$((changed + 1))
	n=$((n + 1))
	settled || {
		echo "after the kill at ${d}s: not back to the console's state"
		echo "pool now:"; counts; echo "screen now:"; screen
		echo "baseline:"; echo "$base"; echo "$base_screen"
		exit 1
	}
done
echo "$n clients killed ($flipping after their first frame, $changed after a mode change), console restored and every buffer freed each time"
# The moments must really spread over the client's life.
[ $flipping -ge 12 ] && [ $changed -ge 4 ] || { echo "too few kills landed while flipping"; exit 1; }
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    AFTER KILLS' > /dev/tty1
sleep 0.3
shot fbcon_after_kills glyphs 8 16 2 4 AFTER_KILLS || exit 1
wcfb-kmstest flip 800x600 XR24 5 > /tmp/fk.log 2>&1 || { cat /tmp/fk.log; echo "a new client cannot flip"; exit 1; }
