# timeout: 180
# tier: check
# CRC capture (debugfs crtc-0/crc, source "auto", as IGT uses it): once a
# scene's flip event came, every CRC the driver reports equals the CPU
# reference's CRC-32 of the scene (wcfb-planetest --crc: zlib's CRC-32 of
# the screen's R, G, B bytes, row by row) and the CRC-32 of the host's
# capture of it (wcfb-imgcheck crc32); the frame numbers increase and lie
# between the vblank counts before the capture was opened and after it
# was closed.  Zero-copy (the primary alone) and composed scenes (an
# overlay, a clipped cursor); one pixel of the primary changed ("poke")
# changes the CRC, the reference's and the driver's alike.  Negative
# control: the capture of one scene must not match another scene's CRC.
# Every vblank has its entry: with the engine acting 40 ms late on every
# doorbell, each CRC takes more than two frames, and the entries must
# still be every frame in turn, as IGT's igt_pipe_crc_get_for_frame()
# needs (a driver that reports only the vblank its work ran for skips
# frames here), also across a switch to a composed screen while the work
# is behind (crc_switch).
# An idle screen has its entries too, each a new frame: with the DRM
# core turning vblank reporting off 20 ms after its last user
# (drm.vblankoffdelay), capture must keep the vblank count going itself
# (without, the count stands still: the entries stop, or repeat a frame).
# crc_check NAME [N [EVERY]]: N (4) CRC lines of the scene on screen,
# each $CRC, frames within the vblank counts around the capture and
# increasing; with EVERY 1, each frame the one after the last.
crc_check() {
	local name=$1 want=${2:-4} every=${3:-0} v0 v1 lines f last=-1 n=0
	echo auto > $crc/control || { echo "$name: control refused 'auto'"; fail=1; return 1; }
	v0=$(vblank_field count)
	lines=$(timeout $((10 * SLOW)) head -n $want $crc/data)
	v1=$(vblank_field count)
	echo "$name: CRC $CRC, vblank $v0..$v1, data: $(echo $lines)"
	set -- $lines
	while [ $# -ge 2 ]; do
		f=$(($1))
		if [ $every = 1 ]; then
			[ $last = -1 ] || [ $f = $((last + 1)) ] ||
				{ echo "$name: frame $f after $last, not the next one"; fail=1; }
		else
			[ $f -gt $last ] || { echo "$name: frame $1 after $last"; fail=1; }
		fi
		[ $f -ge $v0 ] && [ $f -le $v1 ] ||
			{ echo "$name: frame $f outside the vblank counts $v0..$v1"; fail=1; }
		[ "$2" = "0x$CRC" ] || { echo "$name: frame $f CRC $2, the reference's 0x$CRC"; fail=1; }
		last=$f
		n=$((n + 1))
		shift 2
	done
	[ $n = $want ] || { echo "$name: $n CRC lines in $((10 * SLOW)) s, want $want"; fail=1; }
}
# crc_every NAME: with the engine late, 8 CRC lines of consecutive frames.
crc_every() {
	engine_ctl delay 40 || { fail=1; return 1; }
	crc_check "$1" 8 1
	engine_ctl delay 0 || fail=1
}
# crc_idle NAME SCENE...: the scene committed again with the off delay at
# 20 ms (the core takes it when the vblank's last user lets go: the
# scene's flip event), then 8 CRC lines, frames increasing, with nothing
# but the capture using the vblank.
crc_idle() {
	local name=$1
	shift
	echo 20 > $OFFDELAY || { echo "$name: cannot set $OFFDELAY"; fail=1; return 1; }
	scene "$@" || fail=1
	crc_check "$name" 8
	echo $offdelay_saved > $OFFDELAY || fail=1
}
# crc_switch: with the engine late, capture runs across a switch from the
# plain scene (scanned out directly: each run of the work makes a CRC job)
# to a composed one (its CRC given by the job that made it), while the
# work is behind.  Every vblank keeps its entry: the plain screen's
# vblanks still queued when the composed screen came are reported with the
# plain CRC (crc_missed does not move), frames increase, and the plain CRC
# never follows the composed one.
crc_switch() {
	local out=/tmp/crc_switch m0 m1 plain_crc comp f last=-1 seen=0 n=0 pid
	scene plain || { fail=1; return 1; }
	plain_crc=$CRC
	engine_ctl delay 40 || { fail=1; return 1; }
	m0=$(vblank_field crc_missed)
	echo auto > $crc/control
	cat $crc/data > $out &
	pid=$!
	switch_pid=$pid
	wait_until 10 _crc_lines $out 2 || { echo "crc_switch: no CRC lines before the switch"; fail=1; }
	scene alpha coverage 0x8000 || fail=1
	comp=$CRC
	wait_until 10 _crc_has $out 0x$comp 4 ||
		{ echo "crc_switch: fewer than 4 entries of the composed screen"; fail=1; }
	kill $pid
	wait $pid 2>/dev/null
	switch_pid=
	engine_ctl delay 0 || fail=1
	m1=$(vblank_field crc_missed)
	set -- $(tr '\0' ' ' < $out)
	echo "crc_switch: plain $plain_crc, composed $comp, crc_missed $m0..$m1, data: $*"
	while [ $# -ge 2 ]; do
		f=$(($1))
		[ $f -gt $last ] || { echo "crc_switch: frame $1 after $last"; fail=1; }
		case $2 in
		0x$comp) seen=1 ;;
		0x$plain_crc) [ $seen = 0 ] || { echo "crc_switch: frame $1 has the plain CRC after the composed one"; fail=1; } ;;
		*) echo "crc_switch: frame $1's CRC $2 is neither scene's"; fail=1 ;;
		esac
		last=$f
		n=$((n + 1))
		shift 2
	done
	[ "$m1" = "$m0" ] || { echo "crc_switch: $((m1 - m0)) vblanks got no entry"; fail=1; }
}
_crc_lines() { [ $(tr '\0' '\n' < $1 | grep -c '^0x') -ge $2 ]; }
_crc_has() { [ $(tr '\0' '\n' < $1 | grep -c " $2\$") -ge $3 ]; }
vblank_field() { sed -n "s/^$1 //p" $DRI_DEBUG/vblank; }
# crc_scene NAME ZEROCOPY SCENE...: the scene, its capture's CRC-32 and
# the driver's CRCs all the reference's.
crc_scene() {
	local name=$1 zc=$2
	shift 2
	scene "$@" || { fail=1; return 1; }
	[ "$ZC" = "$zc" ] || { echo "$name: zero-copy $ZC, want $zc (scanout $SCANOUT)"; fail=1; }
	shot "$name" crc32 "$CRC" || { echo "$name: the capture's CRC-32 is not the reference's"; fail=1; }
	crc_check "$name"
}
trap '' PIPE
# Whatever ends the script, the tests after it in this boot get the
# engine on time, the core's off delay and no capture left open.
OFFDELAY=/sys/module/drm/parameters/vblankoffdelay
offdelay_saved=$(cat $OFFDELAY)
switch_pid=
crc_cleanup() {
	[ -n "$switch_pid" ] && kill $switch_pid 2>/dev/null
	echo $offdelay_saved > $OFFDELAY
	engine_ctl delay 0 > /dev/null 2>&1
}
trap crc_cleanup EXIT
trap 'exit 1' TERM INT

crc=$DRI_DEBUG/crtc-0/crc
[ -e $crc/control ] && [ -e $crc/data ] ||
	{ echo "no CRC interface: $(ls $DRI_DEBUG/crtc-0 2>&1)"; exit 1; }
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
pt_start --crc || exit 1
fail=0

crc_scene crc_plain 1 plain
plain=$CRC
crc_every crc_plain_late
crc_idle crc_plain_idle plain
crc_scene crc_plain_poke 1 plain poke
[ "$CRC" != "$plain" ] || { echo "one pixel changed, the reference CRC did not"; fail=1; }
crc_scene crc_overlay 0 alpha coverage 0x8000
overlay=$CRC
crc_idle crc_overlay_idle alpha coverage 0x8000
crc_scene crc_overlay_poke 0 alpha coverage 0x8000 poke
[ "$CRC" != "$overlay" ] || { echo "one pixel changed, the reference CRC did not"; fail=1; }
crc_scene crc_cursor 0 cursor -20 -30
[ "$CRC" != "$plain" ] || { echo "the cursor scene's CRC is the plain one's"; fail=1; }
shot crc_neg '!crc32' "$plain" || { echo "the cursor scene's capture matched the plain scene's CRC"; fail=1; }

crc_switch

pt_stop || fail=1
exit $fail
