# timeout: 150
# tier: check
# The console draws into a cached shadow and its damage is flushed to the
# write-combined scanout buffer by the blitter (fbdev/wcfb_fbdev.c), or by
# the CPU where there is no blitter (lane noblit: t_noblit runs this
# script too, a lane of its own runs only its own tests).  200 numbered lines
# scroll the console; the last rows must then show exactly the last lines
# (each line also spells its number in binary, '#' for 1, so the glyph
# check tells the lines apart, and a negative control proves it does),
# and, at 1024x768, the whole screen equals one golden image in every
# lane: the engine's flushes and the CPU's give the same pixels.  debugfs
# fbdev says which path flushed: the engine's while it lives, never the
# CPU's (noblit: the CPU's only).  Then the screen is flushed whole
# through /dev/fb0 writes (of what it already shows), timed: the
# "fbdev_flush" benchmark, and the screen is still the golden.  With the
# blitter, an injected fault and a hang: CPU flushes, the text correct.  Under
# swiotlb=force, a negative control: without the sync for the device
# (test_skip_sync_for_device=1) the engine flushes, and the screen is the
# stale bounce buffer (black), not the text.  The checks of which path
# flushed run with console_flush=engine; then console_flush=auto (the
# default: the faster path per flush size) is timed against
# console_flush=cpu in the same boot, for a scroll and for whole screens
# (the "fbdev_flush_choice" benchmark), and its screen must be the same.
FBD=$DRI_DEBUG/fbdev
PARAM=/sys/module/wcfb/parameters/console_flush
[ -e $FBD ] || { echo "no debugfs fbdev"; exit 1; }
val() { awk -v k="$1" '$1 == k { print $2 }' $FBD; }
if ls /sys/bus/pci/drivers/wcfb-blitter/ 2>/dev/null | grep -q ':'; then
	path=engine
else
	path=cpu
fi
echo "expected flush path: $path"
if [ $path = engine ]; then
	echo engine > $PARAM || { echo "cannot set console_flush"; exit 1; }
	grep -qx "mode engine" $FBD || { echo "debugfs fbdev does not say mode engine"; exit 1; }
fi

# Until the damage worker is idle: the counters stay put for 0.3 s.
settle() {
	local a b
	a=$(cat $FBD)
	while :; do
		sleep 0.3
		b=$(cat $FBD)
		[ "$a" = "$b" ] && return 0
		a=$b
	done
}

# The text cells of line $1: "line NNN " then 8 bits, '#' for 1, MSB
# first; in glyph-check spelling ('_' is an empty cell).
bits() {
	local n=$1 b=128 s=""
	while [ $b -gt 0 ]; do
		if [ $((n & b)) -ne 0 ]; then s="$s#"; else s="$s$2"; fi
		b=$((b / 2))
	done
	echo "$s"
}
cells() { printf 'line_%03d_%s__\n' "$1" "$(bits "$1" _)"; }

echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
size=$(cat /sys/class/graphics/fb0/virtual_size)
rows=$((${size#*,} / 16))
echo "console ${size%,*}x${size#*,}, $rows rows"
printf '\033[2J\033[H\033[?25l' > /dev/tty1
settle
cat $FBD
e0=$(val engine_flushes); c0=$(val cpu_flushes); f0=$(val engine_failures)
pn0=$(val ${path}_ns); pb0=$(val bytes)

n=200
i=1
while [ $i -le $n ]; do
	printf 'line %03d %s\n' $i "$(bits $i ' ')"
	i=$((i + 1))
done > /dev/tty1
settle
cat $FBD
e1=$(val engine_flushes); c1=$(val cpu_flushes); f1=$(val engine_failures)
pn1=$(val ${path}_ns); pb1=$(val bytes)
echo "scroll: engine flushes +$((e1 - e0)), CPU flushes +$((c1 - c0)), engine failures +$((f1 - f0))"
# The scroll's own flushes (of whatever size the worker coalesced).
sk=$(( (e1 - e0) + (c1 - c0) ))
[ $sk -gt 0 ] || { echo "nothing flushed for the scroll"; exit 1; }
scroll_us=$(echo "$pn0 $pn1 $sk" | awk '{printf "%.1f", ($2 - $1) / $3 / 1000}')
scroll_kib=$(echo "$pb0 $pb1 $sk" | awk '{printf "%.1f", ($2 - $1) / $3 / 1024}')
echo "scroll: $sk $path flushes, mean $scroll_kib KiB, $scroll_us us"

fail=0
# The cursor sits on the last row, empty; line n on the row above, line
# n - k k rows higher, up to the first row.
last=$((rows - 2))
shot fbcon_accel_last glyphs 8 16 $last 0 "$(cells $n)" || fail=1
shot fbcon_accel_prev glyphs 8 16 $((last - 1)) 0 "$(cells $((n - 1)))" || fail=1
shot fbcon_accel_mid glyphs 8 16 $((last / 2)) 0 "$(cells $((n - last + last / 2)))" || fail=1
shot fbcon_accel_top glyphs 8 16 0 0 "$(cells $((n - last)))" || fail=1
shot fbcon_accel_blank glyphs 8 16 $((rows - 1)) 0 "__________________" || fail=1
# Negative control: the line below's cells must not match.
shot fbcon_accel_neg '!glyphs' 8 16 $last 0 "$(cells $((n - 1)))" || fail=1
GOLDEN=tests/golden/fbcon_scroll_1024x768.png
if [ "$size" = "1024,768" ]; then
	shot fbcon_accel_golden golden $GOLDEN || fail=1
else
	echo "console is $size, not 1024x768: no golden comparison"
fi
[ $fail = 0 ] || { echo "the scrolled console is wrong"; exit 1; }

if [ $path = engine ]; then
	[ $((e1 - e0)) -gt 0 ] || { echo "the blitter flushed nothing"; exit 1; }
	[ $((c1 - c0)) -eq 0 ] || { echo "the CPU flushed $((c1 - c0)) times with the blitter alive"; exit 1; }
	[ $((f1 - f0)) -eq 0 ] || { echo "$((f1 - f0)) engine flushes failed"; exit 1; }
else
	[ $((e1 - e0)) -eq 0 ] || { echo "engine flushes without a blitter"; exit 1; }
	[ $((c1 - c0)) -gt 0 ] || { echo "the CPU flushed nothing"; exit 1; }
fi

# Benchmark: whole-screen flushes.  /dev/fb0 reads the shadow; writing it
# back in one write() damages the whole screen without changing a pixel:
# one flush per write (the worker is idle again after 0.1 s).
cat /dev/fb0 > /tmp/fb.raw || exit 1
bytes=$(wc -c < /tmp/fb.raw)
k0=$(val ${path}_flushes); ns0=$(val ${path}_ns); b0=$(val bytes); s0=$(val sync_ns); q0=$(val submit_ns)
i=0
while [ $i -lt 20 ]; do
	dd if=/tmp/fb.raw of=/dev/fb0 bs=$bytes count=1 2>/dev/null || exit 1
	sleep 0.1
	i=$((i + 1))
done
settle
cat $FBD
k1=$(val ${path}_flushes); ns1=$(val ${path}_ns); b1=$(val bytes); s1=$(val sync_ns); q1=$(val submit_ns)
rm -f /tmp/fb.raw
[ $((k1 - k0)) -gt 0 ] || { echo "no $path flush for the /dev/fb0 writes"; exit 1; }
[ $path = cpu ] || [ "$(val cpu_flushes)" = "$c1" ] || { echo "CPU flushes with the blitter alive"; exit 1; }
mean_us=$(echo "$ns0 $ns1 $k0 $k1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
mb=$(echo "$b0 $b1 $k0 $k1" | awk '{printf "%.2f", ($2 - $1) / ($4 - $3) / 1048576}')
sync_us=$(echo "$s0 $s1 $k0 $k1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
submit_us=$(echo "$q0 $q1 $k0 $k1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
gibs=$(echo "$b0 $b1 $ns0 $ns1" | awk '{printf "%.2f", ($2 - $1) / ($4 - $3) * 1e9 / 1073741824}')
echo "$((k1 - k0)) whole-screen $path flushes of $mb MiB ($bytes bytes of /dev/fb0): mean $mean_us us (sync for the device $sync_us us, submit $submit_us us), $gibs GiB/s"
ctl BENCH "{\"name\":\"fbdev_flush\",\"figures\":{\"path_engine\":{\"value\":$([ $path = engine ] && echo 1 || echo 0),\"unit\":\"bool\"},\"mean\":{\"value\":$mean_us,\"unit\":\"us\"},\"sync_mean\":{\"value\":$sync_us,\"unit\":\"us\"},\"submit_mean\":{\"value\":$submit_us,\"unit\":\"us\"},\"flush_size\":{\"value\":$mb,\"unit\":\"MiB\"},\"bandwidth\":{\"value\":$gibs,\"unit\":\"GiB/s\"},\"flushes\":{\"value\":$((k1 - k0)),\"unit\":\"\"},\"scroll_mean\":{\"value\":$scroll_us,\"unit\":\"us\"},\"scroll_flush_size\":{\"value\":$scroll_kib,\"unit\":\"KiB\"},\"scroll_flushes\":{\"value\":$sk,\"unit\":\"\"}}}"
if [ "$size" = "1024,768" ]; then
	shot fbcon_accel_golden_again golden $GOLDEN || { echo "the /dev/fb0 writes changed the screen"; exit 1; }
fi
echo "console flushed by the $path"
[ $path = engine ] || exit 0

# A failed engine copy (fail-next: the descriptor faults, the fence says
# -EIO) and a hung engine (the watchdog resets it, the fence says
# -ETIMEDOUT) end in CPU copies: the text is on screen all the same, and
# the engine flushes again afterwards.
# Until engine_failures passes $1 (at most $2 tenths of a second).
wait_failures() {
	local n=0
	while [ "$(val engine_failures)" -le "$1" ]; do
		[ $n -ge "$2" ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
}
for fault in fail-next hang; do
	f0=$(val engine_failures); c0=$(val cpu_flushes)
	if [ $fault = fail-next ]; then engine_ctl fail-next 1 || exit 1; else engine_ctl hang || exit 1; fi
	case $fault in fail-next) word=FAULT ;; *) word=HANG ;; esac
	printf '\033[2J\033[H\033[?25l\n\n    AFTER %s' "$word" > /dev/tty1
	wait_failures "$f0" 300 || { cat $FBD; echo "$fault: no failed engine flush"; exit 1; }
	[ $fault = hang ] && { engine_ctl resume || exit 1; }
	settle
	cat $FBD
	[ "$(val cpu_flushes)" -gt "$c0" ] || { echo "$fault: no CPU flush after the failure"; exit 1; }
	shot fbcon_accel_$fault glyphs 8 16 2 4 "AFTER_$word" || exit 1
done
e0=$(val engine_flushes); c0=$(val cpu_flushes)
printf '\033[2J\033[H\033[?25l\n\n    ENGINE AGAIN' > /dev/tty1
settle
[ "$(val engine_flushes)" -gt "$e0" ] && [ "$(val cpu_flushes)" = "$c0" ] ||
	{ cat $FBD; echo "the engine does not flush again after the faults"; exit 1; }
shot fbcon_accel_again glyphs 8 16 2 4 ENGINE_AGAIN || exit 1

# console_flush=auto against console_flush=cpu, same boot, same work: a
# 100-line scroll, then 20 whole-screen /dev/fb0 writes.  Figures are the
# flushes' own time (debugfs engine_ns + cpu_ns) per flush.
all_ns() { echo $(( $(val engine_ns) + $(val cpu_ns) )); }
all_n() { echo $(( $(val engine_flushes) + $(val cpu_flushes) )); }
choice() { # choice MODE: sets scroll_MODE, full_MODE (us per flush)
	local m=$1 n0 t0 n1 t1 i
	echo $m > $PARAM || exit 1
	printf '\033[2J\033[H' > /dev/tty1
	settle
	n0=$(all_n); t0=$(all_ns)
	i=1
	while [ $i -le 100 ]; do
		printf 'line %03d %s\n' $i "$(bits $i ' ')"
		i=$((i + 1))
	done > /dev/tty1
	settle
	n1=$(all_n); t1=$(all_ns)
	[ $n1 -gt $n0 ] || { echo "$m: nothing flushed for the scroll"; exit 1; }
	eval scroll_$m=$(echo "$t0 $t1 $n0 $n1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
	cat /dev/fb0 > /tmp/fb.raw || exit 1
	n0=$(all_n); t0=$(all_ns)
	i=0
	while [ $i -lt 20 ]; do
		dd if=/tmp/fb.raw of=/dev/fb0 bs=$(wc -c < /tmp/fb.raw) count=1 2>/dev/null || exit 1
		sleep 0.1
		i=$((i + 1))
	done
	settle
	n1=$(all_n); t1=$(all_ns)
	rm -f /tmp/fb.raw
	[ $n1 -gt $n0 ] || { echo "$m: nothing flushed for the /dev/fb0 writes"; exit 1; }
	eval full_$m=$(echo "$t0 $t1 $n0 $n1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
	shot fbcon_accel_choice_$m glyphs 8 16 $((rows - 2)) 0 "$(cells 100)" ||
		{ echo "console_flush=$m: the scrolled console is wrong"; exit 1; }
}
choice cpu
ch0=$(val cpu_chosen); e0=$(val engine_flushes)
choice auto
ch1=$(val cpu_chosen); e1=$(val engine_flushes)
cat $FBD
echo "console flush, us per flush: scroll cpu $scroll_cpu auto $scroll_auto; whole screen cpu $full_cpu auto $full_auto (auto: $((e1 - e0)) by the engine, $((ch1 - ch0)) by the CPU as faster)"
ctl BENCH "{\"name\":\"fbdev_flush_choice\",\"figures\":{\"scroll_cpu\":{\"value\":$scroll_cpu,\"unit\":\"us\"},\"scroll_auto\":{\"value\":$scroll_auto,\"unit\":\"us\"},\"full_cpu\":{\"value\":$full_cpu,\"unit\":\"us\"},\"full_auto\":{\"value\":$full_auto,\"unit\":\"us\"},\"auto_engine_flushes\":{\"value\":$((e1 - e0)),\"unit\":\"\"},\"auto_cpu_chosen\":{\"value\":$((ch1 - ch0)),\"unit\":\"\"}}}"

# Negative control where a missing sync shows (swiotlb=force: the engine
# reads bounce buffers): with test_skip_sync_for_device=1 the flushes skip
# their sync for the device, and the engine copies the bounce buffer as
# the mapping at probe left it: the shadow then, vzalloc()ed, black.  So
# the engine must have flushed during the control (its counter moves, the
# CPU's does not, nothing failed: a screen nobody flushed is black too), and
# the screen must be exactly that stale black, not the new text (nor the
# console fbcon redrew at its takeover).
grep -q "swiotlb=force" /proc/cmdline || exit 0
rmmod wcfb || { echo "rmmod failed"; exit 1; }
insmod $MODDIR/wcfb.ko test_skip_sync_for_device=1 console_flush=engine || exit 1
[ -e $FBD ] || { echo "no debugfs fbdev after the reload"; exit 1; }
chvt 1
settle
e0=$(val engine_flushes); c0=$(val cpu_flushes); f0=$(val engine_failures)
printf '\033[2J\033[H\033[?25l\n\n    STALE BOUNCE' > /dev/tty1
settle
cat $FBD
e1=$(val engine_flushes); c1=$(val cpu_flushes); f1=$(val engine_failures)
echo "control: engine flushes +$((e1 - e0)), CPU flushes +$((c1 - c0)), engine failures +$((f1 - f0))"
size=$(cat /sys/class/graphics/fb0/virtual_size)
rc=0
[ $((e1 - e0)) -gt 0 ] || { echo "no engine flush during the control: no sync was skipped"; rc=1; }
[ $((c1 - c0)) -eq 0 ] && [ $((f1 - f0)) -eq 0 ] ||
	{ echo "the control's flushes were not all the engine's"; rc=1; }
shot fbcon_accel_nosync solid 000000 ${size%,*} ${size#*,} ||
	{ echo "the screen is not the stale bounce buffer (black): missing sync went unnoticed"; rc=1; }
shot fbcon_accel_nosync_text '!glyphs' 8 16 2 4 STALE_BOUNCE || { echo "the text reached the screen"; rc=1; }
[ $rc = 0 ] && echo "stale bounce buffer on screen (expected)"
rmmod wcfb && insmod $MODDIR/wcfb.ko || rc=1
exit $rc
