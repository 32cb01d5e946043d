# lanes: clients
# timeout: 420
# Weston 10 puts its pointer on wcfb's cursor plane, and the screen is
# pixel-exact.  The pointer is wcfb-pointer's uinput device (the guest has
# no mouse), passed on by udev's daemon to Weston's libinput.  Weston 10
# uses a cursor plane only with a GBM device, which its pixman renderer
# does not make, so this Weston runs its GL renderer on Mesa's llvmpipe
# (kms_swrast).  For two pointer positions:
#   - the cursor plane holds Weston's cursor buffer at the pointer less
#     its hotspot (the planes as `wcfb-planetest screen` reads them), and
#     Weston's drm-backend log says it assigned the cursor view there;
#   - the host's capture equals the CPU reference composed from the planes
#     Weston committed (`wcfb-planetest screen`: rgbhash), and differs from
#     the reference without the cursor plane (the control: the cursor is
#     on screen, not just on a plane).
rootfs_mount || exit 1
modload uinput && modload evdev || { echo "cannot load uinput and evdev"; exit 1; }
weston_setup
rm -f $ROOTFS/tmp/weston.log
wpid= ppid=
# Every exit goes through here: a udevd or pointer left running would
# break the next test that starts its own.
cleanup() {
	[ -n "$wpid" ] && { kill $wpid 2>/dev/null; wait $wpid 2>/dev/null; }
	[ -n "$ppid" ] && { echo quit >&3; kill $ppid 2>/dev/null; }
	udevd_stop
	chvt 1
}
died() {
	echo "$1"
	[ -f $ROOTFS/tmp/weston.log ] && grep -v '^		' $ROOTFS/tmp/weston.log | tail -40
	cleanup
	exit 1
}
udevd_start || died "no udev daemon"

# The pointer spans the mode Weston takes (the preferred one), pixel for
# pixel: libinput maps 0..W-1 onto the output's W pixels.
W=1024 H=768
rm -f /tmp/pointer.in
mkfifo /tmp/pointer.in
exec 3<>/tmp/pointer.in
wcfb-pointer $W $H <&3 > /tmp/pointer.out &
ppid=$!
pointer_ready() { grep -q '^ready' /tmp/pointer.out; }
wait_until 10 pointer_ready || died "no pointer: $(cat /tmp/pointer.out)"

f0=$(flips)
chroot $ROOTFS env $env MESA_LOADER_DRIVER_OVERRIDE=kms_swrast weston \
	--backend=drm-backend.so --tty=1 --config=/tmp/weston.ini \
	--log=/tmp/weston.log --logger-scopes=log,drm-backend &
wpid=$!
fail=0
flipped_or_gone() { [ "$(flips)" -gt "$f0" ] || ! kill -0 $wpid 2>/dev/null; }
# llvmpipe's first frame (its shaders compiled under TCG) takes a while.
wait_until 120 flipped_or_gone
[ "$(flips)" -gt "$f0" ] || died "weston put nothing on the display"
shot_until 60 weston_cursor_desktop dominant 204080 0.9 || died "no desktop"
grep -q "cursor planes: yes" $ROOTFS/tmp/weston.log || died "Weston found no cursor plane"
has_pointer() { grep -q "wcfb-pointer: device is a pointer" $ROOTFS/tmp/weston.log; }
wait_until 30 has_pointer || died "Weston did not take wcfb-pointer as a pointer"

# screen: the planes on the CRTC now (wcfb-planetest screen), into
# /tmp/screen.ref, read again when Weston removed a framebuffer between
# the properties and GETFB2; cur: the cursor plane's position, empty
# without one.
screen() {
	local i
	for i in 1 2 3 4 5; do
		wcfb-planetest screen "$@" > /tmp/screen.ref && return 0
	done
	return 1
}
cur() { screen && sed -n 's/.* cursor \([-0-9]*,[-0-9]*\) .*/\1/p' /tmp/screen.ref; }
cursor_at() { [ "$(cur)" = "$1" ]; }

# check NAME: the capture equals the reference of the planes, read before
# and after it (the same: nothing moved meanwhile), and not the reference
# without the cursor plane.
check() {
	local ref ref2 noref
	screen && ref=$(awk '$1 == "REF" { print $2 }' /tmp/screen.ref)
	[ -n "$ref" ] || { echo "no reference: $(cat /tmp/screen.ref)"; return 1; }
	shot_until 30 "$1" rgbhash "$ref" || return 1
	screen && ref2=$(awk '$1 == "REF" { print $2 }' /tmp/screen.ref)
	[ "$ref2" = "$ref" ] || { echo "the planes changed during the capture"; return 1; }
	screen -cursor && noref=$(awk '$1 == "REF" { print $2 }' /tmp/screen.ref)
	[ -n "$noref" ] && [ "$noref" != "$ref" ] ||
		{ echo "the reference without the cursor is the same"; return 1; }
	shot "$1_without_cursor" "!rgbhash" "$noref" || return 1
	echo "$1: the capture is the reference of Weston's planes ($ref)"
}

# Weston's pointer starts elsewhere (and may already show there): the
# plane is at the pointer once it sits at (300, 200) less a hotspot
# inside the cursor image.
near_pointer() {
	local p
	p=$(cur)
	[ -n "$p" ] || return 1
	hx=$((300 - ${p%,*})) hy=$((200 - ${p#*,}))
	[ $hx -ge 0 ] && [ $hx -lt 64 ] && [ $hy -ge 0 ] && [ $hy -lt 64 ]
}
echo "move 300 200" >&3
wait_until 60 near_pointer || died "the cursor plane is not at the pointer: $(cat /tmp/screen.ref)"
echo "pointer at 300,200: the cursor plane at $(cur) (hotspot $hx,$hy), $(sed 's/.* cursor [^ ]* //' /tmp/screen.ref)"
check weston_cursor_1 || fail=1

echo "move 610 405" >&3
want=$((610 - hx)),$((405 - hy))
wait_until 30 cursor_at $want || { fail=1; echo "the cursor plane is at $(cur), want $want"; }
check weston_cursor_2 || fail=1

n=$(grep -c "provisionally assigned view .* to cursor" $ROOTFS/tmp/weston.log)
echo "Weston assigned its cursor view to the cursor plane $n times"
[ "$n" -ge 2 ] || { fail=1; echo "Weston's log does not say it used the cursor plane"; }
[ $fail = 0 ] || grep -v '^		' $ROOTFS/tmp/weston.log | tail -40
cleanup
exit $fail
