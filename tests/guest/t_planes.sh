# timeout: 300
# tier: check
# Planes composed by the blitter (cursor, overlays, zpos, plane alpha,
# blend modes, rotation, every format on every plane type), judged
# pixel-exactly: wcfb-planetest sets up each scene with one atomic commit,
# waits for its flip event and prints the rgbhash of what its CPU
# reference (written from the spec, not from the engine model) says the
# screen must show; the host's capture must hash the same.  The reference
# checks itself first on hand-computed pixels (wcfb-planetest selftest).
# The primary alone, full screen XRGB8888, is scanned out directly: debugfs
# scanout's address is the primary framebuffer's (and a composed scene's
# is not).  Negative control: with the engine model told to corrupt one
# pixel of its next pixel-writing op (corrupt-next 1), a zero-copy scene
# still matches and leaves the fault pending (it ran no op), and then a
# composed scene, whose every op's centre pixel stays visible ("sparse"),
# must not match; the same scene matches again once the fault was used up.
# Color management (CRTC DEGAMMA_LUT, CTM, GAMMA_LUT; skipped without
# GAMMA_LUT): each stage alone, all three, each with an overlay, the
# reference applying the COLOR op's formulas to its composed frame; such
# a scene is composed (not zero-copy); identity tables give the plain
# scene's picture; the next scene without color words resets them (blob
# 0: zero-copy again, "info" shows 0), and so does the client at exit
# (while one is set "info" shows its blob: the control of that check).
PT_FORMATS="XR24 AR24 XB24 AB24 RX24 RA24 BX24 BA24 RG24 BG24 RG16 BG16 XR30 AR30 XB30 AB30"
# check NAME SCENE...: the capture of the scene must hash as its reference.
check() {
	local name=$1
	shift
	scene "$@" || { fail=1; return 1; }
	shot "$name" rgbhash "$REF" ||
		{ echo "$name ($*): the screen is not the reference's"; fail=1; return 1; }
}
# zerocopy NAME 0|1: whether the scanout address is the primary's.
zerocopy() {
	[ "$ZC" = "$2" ] && return 0
	echo "$1: zero-copy $ZC, want $2 (scanout $SCANOUT)"
	fail=1
	return 1
}
# corrupted: how many ops the engine model has corrupted (its stats; the
# harness passes the first 400 characters of the answer, "corrupted" is
# among them).
corrupted() {
	local reply
	stty -F "$CTL" -echo 2>/dev/null
	ctl ENGINE stats
	read -r reply < "$CTL"
	echo "$reply" | sed -n 's/.* corrupted \([0-9]*\).*/\1/p'
}
# crtc_colors: the blob ids the CRTC's DEGAMMA_LUT, CTM, GAMMA_LUT hold now.
crtc_colors() {
	wcfb-planetest info | sed -n 's/^crtc [0-9]* degamma_lut \([0-9]*\) ctm \([0-9]*\) gamma_lut \([0-9]*\) .*/\1 \2 \3/p'
}
trap '' PIPE

echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
wcfb-planetest selftest > /tmp/planetest-selftest.log 2>&1 ||
	{ cat /tmp/planetest-selftest.log; echo "the CPU reference fails its own self-test"; exit 1; }
info=$(wcfb-planetest info) || { echo "$info"; echo "wcfb-planetest info failed"; exit 1; }
echo "$info"
echo "$info" | grep -q "^overlays [1-9]" || { echo "no overlay planes with a live blitter"; exit 1; }
echo "$info" | grep -q "^plane [0-9]* cursor " || { echo "no cursor plane with a live blitter"; exit 1; }

pt_start || exit 1
fail=0

# Zero-copy: the primary alone, full screen XRGB8888.
check plain plain && zerocopy plain 1
plain_ref=$REF

# Every format on every plane type (the spec's 16 on each).
for pl in primary overlay cursor; do
	for f in $PT_FORMATS; do
		check fmt_${pl}_$f formats $pl $f
	done
done

# The cursor at the centre, over all four edges and corners (partly off
# screen), wholly off screen, and not square.  The screen is 640x480, the
# cursor 64x64.
for pos in "288 208" "-20 -30" "288 -30" "600 -30" "-20 208" "600 208" \
	   "-20 450" "288 450" "600 450" "-64 100" "640 480"; do
	check "cursor_$(echo "$pos" | tr ' -' '_m')" cursor $pos
done
check cursor_32x48 cursor 610 -7 32x48

# Blend modes x plane alpha; composed, so not zero-copy.
for m in none premulti coverage; do
	for a in 0xffff 0x8000; do
		check alpha_${m}_$a alpha $m $a && zerocopy alpha_${m}_$a 0
	done
done

# zpos: reversed, and the primary translucent above overlays with a tie
# (equal zpos: plane object id order).
check zpos_reversed zpos 0,3,2,1
check zpos_tie zpos 2,1,1,0 0x8000
check zpos_tie2 zpos 0,2,2,1

# Rotation, if the driver offers it (the spec's optional part).
if scene rotate 90; then
	shot rot_90 rgbhash "$REF" || fail=1
	for r in 0+reflect-x 0+reflect-y 180 270 90+reflect-x 270+reflect-y \
		 180+reflect-x+reflect-y; do
		check "rot_$(echo "$r" | tr '+-' '__')" rotate $r
	done
	check rot_90_topleft rotate 90 -30 -20
	check rot_270_bottomright rotate 270+reflect-x 600 430
else
	[ $? = 77 ] || fail=1
	echo "rotation not offered: its scenes skipped"
fi

# Color management, if the CRTC has it.
color=0
if scene plain gamma=invert; then
	color=1
	shot color_gamma_invert rgbhash "$REF" ||
		{ echo "color_gamma_invert: the screen is not the reference's"; fail=1; }
	zerocopy color_gamma_invert 0
	[ "$REF" != "$plain_ref" ] || { echo "the reference's inverted gamma changed nothing"; fail=1; }
	c=$(crtc_colors)
	case $c in
	"0 0 "[1-9]*) ;;
	*) echo "gamma set: CRTC color blobs '$c', want 0 0 and a blob"; fail=1 ;;
	esac
	check color_gamma_curve plain gamma=curve
	check color_gamma_random plain gamma=random
	check color_degamma_curve plain degamma=curve
	check color_degamma_random plain degamma=random
	check color_ctm_swaprb plain ctm=swaprb
	check color_ctm_wild plain ctm=wild
	# degamma alone and gamma alone show the same (o >> 8 is C): both
	# LUTs without a CTM tell which table went where
	check color_degamma_gamma plain degamma=random gamma=curve
	check color_all plain degamma=curve ctm=wild gamma=random
	check color_all2 plain degamma=random ctm=swaprb gamma=curve
	check color_identity plain degamma=identity ctm=identity gamma=identity &&
		zerocopy color_identity 0
	[ "$REF" = "$plain_ref" ] || { echo "identity color tables: the reference's picture changed"; fail=1; }
	# with a translucent overlay (and the cursor, zpos, a 10-bit format)
	check color_ovl_gamma alpha coverage 0x8000 gamma=curve
	check color_ovl_degamma alpha coverage 0x8000 degamma=random
	check color_ovl_ctm alpha coverage 0x8000 ctm=wild
	check color_ovl_all alpha premulti 0x8000 degamma=curve ctm=wild gamma=invert
	check color_fmt_all formats overlay AR30 degamma=random ctm=swaprb gamma=curve
	check color_cursor_all cursor -20 -30 degamma=curve ctm=wild gamma=curve
	check color_zpos_all zpos 2,1,1,0 0x8000 degamma=random ctm=wild gamma=random
	# a scene without color words resets them
	check color_reset plain && zerocopy color_reset 1
	c=$(crtc_colors)
	[ "$c" = "0 0 0" ] || { echo "after a scene without color: CRTC color blobs '$c', want 0 0 0"; fail=1; }
	check color_reset_ovl alpha coverage 0x8000
else
	[ $? = 77 ] || fail=1
	echo "no color management: its scenes skipped"
fi

# Negative control.  The fault is armed while a zero-copy scene is shown
# (a composed one might be composed again at any vblank); a new zero-copy
# scene must match and leave the fault pending; the sparse scene, composed
# (no primary, one overlay whose centre is transparent, far from the
# screen's centre: the centre pixel of any op its composition runs stays
# visible), must then differ from its reference, and match it once the
# fault is used up.
scene plain || fail=1
c0=$(corrupted)
[ -n "$c0" ] || { echo "no 'corrupted' count in the engine model's stats"; fail=1; }
if engine_ctl corrupt-next 1; then
	check neg_plain plain && zerocopy neg_plain 1
	c=$(corrupted)
	[ "$c" = "$c0" ] || { echo "corrupted $c0 -> $c in a zero-copy scene: it ran a pixel-writing op"; fail=1; }
	if scene sparse; then
		shot neg_sparse '!rgbhash' "$REF" ||
			{ echo "one corrupted pixel of the composition went unnoticed"; fail=1; }
		c=$(corrupted)
		[ "$c" = $((c0 + 1)) ] || { echo "corrupted $c0 -> $c in the composed scene, want +1"; fail=1; }
	else
		fail=1
	fi
	engine_ctl corrupt-next 0 || fail=1
	check neg_sparse_again sparse
else
	echo "the engine model refused corrupt-next"
	fail=1
fi

# Color set as the client exits: it must reset it.
if [ $color = 1 ]; then
	check color_exit plain degamma=curve ctm=wild gamma=invert
	c=$(crtc_colors)
	case $c in
	[1-9]*" "[1-9]*" "[1-9]*) ;;
	*) echo "all three set: CRTC color blobs '$c'"; fail=1 ;;
	esac
fi
pt_stop || fail=1
if [ $color = 1 ]; then
	c=$(crtc_colors)
	[ "$c" = "0 0 0" ] || { echo "wcfb-planetest exited: CRTC color blobs '$c', want 0 0 0"; fail=1; }
fi
exit $fail
