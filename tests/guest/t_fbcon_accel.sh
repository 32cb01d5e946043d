# timeout: 150
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
# "fbdev_flush" benchmark, and the screen is still the golden.
FBD=$DRI_DEBUG/fbdev
[ -e $FBD ] || { echo "no debugfs fbdev"; exit 1; }
val() { awk -v k="$1" '$1 == k { print $2 }' $FBD; }
if ls /sys/bus/pci/drivers/wcfb-engine/ 2>/dev/null | grep -q ':'; then
	path=engine
else
	path=cpu
fi
echo "expected flush path: $path"

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

n=200
i=1
while [ $i -le $n ]; do
	printf 'line %03d %s\n' $i "$(bits $i ' ')"
	i=$((i + 1))
done > /dev/tty1
settle
cat $FBD
e1=$(val engine_flushes); c1=$(val cpu_flushes); f1=$(val engine_failures)
echo "scroll: engine flushes +$((e1 - e0)), CPU flushes +$((c1 - c0)), engine failures +$((f1 - f0))"

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
k0=$(val ${path}_flushes); ns0=$(val ${path}_ns); b0=$(val bytes); s0=$(val sync_ns)
i=0
while [ $i -lt 20 ]; do
	dd if=/tmp/fb.raw of=/dev/fb0 bs=$bytes count=1 2>/dev/null || exit 1
	sleep 0.1
	i=$((i + 1))
done
settle
cat $FBD
k1=$(val ${path}_flushes); ns1=$(val ${path}_ns); b1=$(val bytes); s1=$(val sync_ns)
rm -f /tmp/fb.raw
[ $((k1 - k0)) -gt 0 ] || { echo "no $path flush for the /dev/fb0 writes"; exit 1; }
[ $path = cpu ] || [ "$(val cpu_flushes)" = "$c1" ] || { echo "CPU flushes with the blitter alive"; exit 1; }
mean_us=$(echo "$ns0 $ns1 $k0 $k1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
mb=$(echo "$b0 $b1 $k0 $k1" | awk '{printf "%.2f", ($2 - $1) / ($4 - $3) / 1048576}')
sync_us=$(echo "$s0 $s1 $k0 $k1" | awk '{printf "%.1f", ($2 - $1) / ($4 - $3) / 1000}')
gibs=$(echo "$b0 $b1 $ns0 $ns1" | awk '{printf "%.2f", ($2 - $1) / ($4 - $3) * 1e9 / 1073741824}')
echo "$((k1 - k0)) whole-screen $path flushes of $mb MiB ($bytes bytes of /dev/fb0): mean $mean_us us (sync for the device $sync_us us), $gibs GiB/s"
ctl BENCH "{\"name\":\"fbdev_flush\",\"figures\":{\"path_engine\":{\"value\":$([ $path = engine ] && echo 1 || echo 0),\"unit\":\"bool\"},\"mean\":{\"value\":$mean_us,\"unit\":\"us\"},\"sync_mean\":{\"value\":$sync_us,\"unit\":\"us\"},\"flush_size\":{\"value\":$mb,\"unit\":\"MiB\"},\"bandwidth\":{\"value\":$gibs,\"unit\":\"GiB/s\"},\"flushes\":{\"value\":$((k1 - k0)),\"unit\":\"\"}}}"
if [ "$size" = "1024,768" ]; then
	shot fbcon_accel_golden_again golden $GOLDEN || { echo "the /dev/fb0 writes changed the screen"; exit 1; }
fi
echo "console flushed by the $path"
