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
# Scaling (engine protocol 1.3; skipped where the driver does not scale):
# overlays scaled up, down and unevenly, rotated, mirrored and clipped, a
# YUV source, the primary alone scaled to the screen and past it, against
# the reference's nearest-sample rule (Documentation/uapi.rst "Scaling").
# YUV (engine protocol 1.2 through DRM's formats, COLOR_ENCODING and
# COLOR_RANGE): every YUV format on an overlay, some on the primary and
# the cursor, each encoding x range, chroma phases (odd source origins,
# a clipped cursor), rotations, plane alpha, chroma planes in their own
# buffer and at offsets; composed always.  A scene is skipped where a
# plane lacks its format or property, but once every plane lists all 16
# and both properties, none may be.  Negative controls: the reference
# told the wrong encoding or range must not match; the engine model
# corrupting the one op (a CONVERT from YUYV, from NV12) of a full-screen
# YUV primary must not match, and it matches again afterwards.
PT_FORMATS="XR24 AR24 XB24 AB24 RX24 RA24 BX24 BA24 RG24 BG24 RG16 BG16 XR30 AR30 XB30 AB30"
PT_YUV="NV12 NV21 NV16 NV61 NV24 NV42 YU12 YV12 YU16 YV16 YU24 YV24 YUYV YVYU UYVY VYUY"
# check NAME SCENE...: the capture of the scene must hash as its reference.
check() {
	local name=$1
	shift
	scene "$@" || { fail=1; return 1; }
	shot "$name" rgbhash "$REF" ||
		{ echo "$name ($*): the screen is not the reference's"; fail=1; return 1; }
}
# ycheck NAME SCENE...: as check, but a skipped scene (77) is counted in
# yskip, not failed.
yskip=0
ycheck() {
	local name=$1 rc
	shift
	scene "$@"
	rc=$?
	[ $rc = 77 ] && { yskip=$((yskip + 1)); return 77; }
	[ $rc = 0 ] || { fail=1; return 1; }
	shot "$name" rgbhash "$REF" ||
		{ echo "$name ($*): the screen is not the reference's"; fail=1; return 1; }
}
# yuv_complete: whether every plane "info" lists offers every YUV format,
# COLOR_ENCODING with the three encodings and COLOR_RANGE with both.
yuv_complete() {
	local line fl f
	echo "$info" | grep -q "^plane " || return 1
	while read -r line; do
		fl=,$(echo "$line" | sed -n 's/.* formats \([^ ]*\).*/\1/p'),
		for f in $PT_YUV; do
			case $fl in *,$f,*) ;; *) return 1 ;; esac
		done
		case $line in *" color_encoding=601,709,2020"*) ;; *) return 1 ;; esac
		case $line in *" color_range=limited,full"*) ;; *) return 1 ;; esac
	done <<EOF
$(echo "$info" | grep "^plane ")
EOF
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

# The words for a scene's subject plane on RGB: another format (a
# translucent AR30 overlay, a clipped AB30 cursor), another source origin.
check subj_alpha_AR30 alpha coverage 0x8000 fmt=AR30
check subj_cursor_AB30_clip cursor -21 -31 fmt=AB30
check subj_src_overlay_RG24_0_0 formats overlay RG24 src=0,0
check subj_src_primary_XR24_1_1 formats primary XR24 src=1,1

# Rotation, if the driver offers it (the spec's optional part).
rot=0
if scene rotate 90; then
	rot=1
	shot rot_90 rgbhash "$REF" || fail=1
	for r in 0+reflect-x 0+reflect-y 180 270 90+reflect-x 270+reflect-y \
		 180+reflect-x+reflect-y; do
		check "rot_$(echo "$r" | tr '+-' '__')" rotate $r
	done
	check rot_90_topleft rotate 90 -30 -20
	check rot_270_bottomright rotate 270+reflect-x 600 430
	check rot_90_RG16 rotate 90 fmt=RG16
else
	[ $? = 77 ] || fail=1
	echo "rotation not offered: its scenes skipped"
fi

# Scaling by the blitter (nearest sample, Documentation/uapi.rst
# "Scaling"), if the driver offers it: up, down, uneven, rotated and
# mirrored, clipped at either corner, a YUV source, and the primary alone,
# on the whole screen and partly off it (IGT's kms_universal_plane).
if scene scale 96 64 192 128; then
	shot scale_up_2x rgbhash "$REF" || fail=1
	check scale_down_2x scale 200 150 100 75
	check scale_uneven scale 97 61 151 203
	check scale_rot90 scale 96 64 150 200 90
	check scale_rot270_reflect scale 96 64 100 140 270+reflect-x
	check scale_clipped_topleft scale 96 64 300 200 0 -50 -40
	check scale_clipped_bottomright scale 96 64 300 200 180+reflect-y 500 400
	check scale_primary scale primary 320 240 640 480 fmt=XR24
	check scale_primary_offscreen scale primary 640 480 740 580 fmt=XR24
	ycheck scale_NV12 scale 96 64 200 120 fmt=NV12
	ycheck scale_YUYV_down scale 200 150 120 90 90 fmt=YUYV
else
	[ $? = 77 ] || fail=1
	echo "scaling not offered: its scenes skipped"
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

# YUV.  Every format on the overlay (its source rect from (7,5): chroma
# phase 1 across and down, odd sizes), some on the primary (full screen,
# over black) and the cursor.
for f in $PT_YUV; do
	ycheck yuv_overlay_$f formats overlay $f
done
for f in NV12 YU12 YUYV; do
	ycheck yuv_primary_$f formats primary $f
done
for f in NV12 YUYV; do
	ycheck yuv_cursor_$f formats cursor $f
done

# Each encoding x range on NV12: six different pictures.  The properties'
# defaults are BT.601 limited, and a scene without the words sets them
# back (after 2020 full).
refs=
ref601=
for e in 601 709 2020; do
	for r in limited full; do
		ycheck yuv_enc_${e}_$r formats overlay NV12 enc=$e range=$r || continue
		refs="$refs $REF"
		[ $e$r != 601limited ] || ref601=$REF
	done
done
if [ $(echo $refs | wc -w) = 6 ] && [ $(echo $refs | tr ' ' '\n' | sort -u | wc -l) != 6 ]; then
	echo "the reference's six encodings x ranges are not six pictures: $refs"
	fail=1
fi
if ycheck yuv_enc_default formats overlay NV12 && [ -n "$ref601" ] &&
   [ "$REF" != "$ref601" ]; then
	echo "yuv_enc_default: the reference's default is not BT.601 limited"
	fail=1
fi
ycheck yuv_enc_YU12_709_full formats overlay YU12 enc=709 range=full
ycheck yuv_enc_UYVY_2020_limited formats overlay UYVY enc=2020
ycheck yuv_enc_primary_NV12_709_full formats primary NV12 enc=709 range=full
ycheck yuv_enc_cursor_YUYV_2020_full formats cursor YUYV enc=2020 range=full

# Chroma phase: source origins even and odd, and a cursor clipped at the
# top and left edges (its source then starts at an odd column and row)
# or at the bottom and right.
for s in 0,0 1,0 0,1 1,1 8,6; do
	ycheck yuv_src_NV12_$(echo $s | tr , _) formats overlay NV12 src=$s
done
ycheck yuv_src_YU12_3_1 formats overlay YU12 src=3,1
ycheck yuv_src_NV16_1_1 formats overlay NV16 src=1,1
ycheck yuv_src_YUYV_1_2 formats overlay YUYV src=1,2
ycheck yuv_src_VYUY_0_0 formats overlay VYUY src=0,0
ycheck yuv_src_primary_NV12_1_1 formats primary NV12 src=1,1
ycheck yuv_src_cursor_YU12_1_1 formats cursor YU12 src=1,1
ycheck yuv_cursor_NV12_clip_tl cursor -21 -31 fmt=NV12
ycheck yuv_cursor_YUYV_clip_br cursor 601 451 fmt=YUYV
ycheck yuv_cursor_YU12_clip_l cursor -21 100 fmt=YU12

# Layouts: the chroma planes in a second dumb buffer, planes at offsets.
ycheck yuv_split_NV12 formats overlay NV12 split
ycheck yuv_split_YU12 formats overlay YU12 split
ycheck yuv_split_offsets_NV61 formats overlay NV61 split offsets
ycheck yuv_split_offsets_YV24 formats overlay YV24 split offsets
ycheck yuv_offsets_NV12 formats overlay NV12 offsets
ycheck yuv_offsets_YU16 formats overlay YU16 offsets
ycheck yuv_offsets_YUYV formats overlay YUYV offsets
ycheck yuv_offsets_UYVY_1_1 formats overlay UYVY offsets src=1,1
ycheck yuv_split_offsets_primary_NV12 formats primary NV12 split offsets
ycheck yuv_split_offsets_cursor_YV12 formats cursor YV12 split offsets

# Blend modes and plane alpha on an opaque YUV plane; the fault
# control's scene in YUV.
ycheck yuv_alpha_coverage_NV12 alpha coverage 0x8000 fmt=NV12
ycheck yuv_alpha_none_YUYV alpha none 0x8000 fmt=YUYV
ycheck yuv_alpha_premulti_YU24 alpha premulti 0x4000 fmt=YU24 enc=709
ycheck yuv_sparse_NV12 sparse fmt=NV12

# Rotated (source from (5,3): phase 1), if the driver rotates.
if [ $rot = 1 ]; then
	for r in 90 0+reflect-x 90+reflect-x 180 270+reflect-y; do
		ycheck "yuv_rot_NV12_$(echo "$r" | tr '+-' '__')" rotate $r fmt=NV12
	done
	ycheck yuv_rot_YUYV_270 rotate 270 fmt=YUYV
	ycheck yuv_rot_YU12_90_reflect_y_split rotate 90+reflect-y fmt=YU12 split offsets enc=709
	ycheck yuv_rot_NV12_90_topleft rotate 90 -30 -20 fmt=NV12
fi
# Through the CRTC's color management.
[ $color = 0 ] ||
	ycheck yuv_color_NV12 formats overlay NV12 enc=709 degamma=curve ctm=wild gamma=random

# Negative controls of the conversion: the reference converting with the
# wrong encoding, or range, must not match the screen.
if ycheck yuv_ctl_709 formats overlay NV12 enc=709; then
	right=$REF
	if scene formats overlay NV12 enc=709 refenc=601; then
		[ "$REF" != "$right" ] || { echo "refenc=601: the reference's picture did not change"; fail=1; }
		shot yuv_neg_refenc '!rgbhash' "$REF" ||
			{ echo "BT.709 on screen matched the reference's BT.601"; fail=1; }
	else
		fail=1
	fi
fi
if ycheck yuv_ctl_full formats overlay NV12 range=full; then
	right=$REF
	if scene formats overlay NV12 range=full refrange=limited; then
		[ "$REF" != "$right" ] || { echo "refrange=limited: the reference's picture did not change"; fail=1; }
		shot yuv_neg_refrange '!rgbhash' "$REF" ||
			{ echo "full range on screen matched the reference's limited range"; fail=1; }
	else
		fail=1
	fi
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

# The same on YUV: a full-screen opaque primary in YUYV, then NV12, is
# composed by one op, a CONVERT from it (nothing to blend with), whose
# centre pixel is the screen's.  Armed while the zero-copy scene is shown,
# the fault corrupts that op, which must then not match, and matches again
# once the fault is used up.
for f in YUYV NV12; do
	ycheck yuv_neg_before_$f formats primary $f || continue
	scene plain || fail=1
	c0=$(corrupted)
	if ! engine_ctl corrupt-next 1; then
		echo "the engine model refused corrupt-next"
		fail=1
		break
	fi
	if scene formats primary $f; then
		shot yuv_neg_corrupt_$f '!rgbhash' "$REF" ||
			{ echo "one corrupted pixel of a $f conversion went unnoticed"; fail=1; }
		c=$(corrupted)
		[ "$c" = $((c0 + 1)) ] ||
			{ echo "corrupted $c0 -> $c in the $f scene, want +1"; fail=1; }
	else
		fail=1
	fi
	engine_ctl corrupt-next 0 || fail=1
	ycheck yuv_neg_again_$f formats primary $f || fail=1
done
if yuv_complete; then
	[ $yskip = 0 ] ||
		{ echo "every plane offers every YUV format and both properties, yet $yskip YUV scenes were skipped"; fail=1; }
else
	echo "YUV: $yskip scenes skipped (not every plane offers every YUV format, COLOR_ENCODING and COLOR_RANGE)"
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
