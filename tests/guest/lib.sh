# Guest side of the harness protocol, sourced by init and every test.
#
# The guest talks to the host harness over the serial line (ttyAMA0, also
# the kernel console).  Every message is one line starting with "@@WCFB ";
# the host answers requests that need it (SHOT) with one line on the
# serial input.  See tests/harness/README.md for the whole protocol.
KREL=$(uname -r)
MODDIR=/lib/modules/$KREL
CTL=/dev/ttyAMA0
DRI_DEBUG=/sys/kernel/debug/dri/0

ctl() { echo "@@WCFB $*" > "$CTL"; }

# wcfb_platform_dev: the name of the platform device wcfb is bound to
# ($WCFB_DRV/NAME), or nothing.
WCFB_DRV=/sys/bus/platform/drivers/wcfb
wcfb_platform_dev() {
	local d
	for d in $WCFB_DRV/*; do
		[ -L "$d" ] && [ "${d##*/}" != module ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# dmabuf_hold: wcfb-primetest hold in the background (a pool buffer's
# dma-buf, its DRM file closed) until fd 3 is closed; its pid in
# $HOLD_PID.  Fails if it did not start.
dmabuf_hold() {
	rm -f /tmp/hold.fifo
	mkfifo /tmp/hold.fifo
	wcfb-primetest hold < /tmp/hold.fifo > /tmp/hold.log &
	HOLD_PID=$!
	exec 3> /tmp/hold.fifo
	wait_until 5 grep -q holding /tmp/hold.log
}

# buffer_counts: the driver's live pool objects and bytes and its PRIME
# counts (debugfs); a test compares them with a baseline to find leaks.
buffer_counts() { grep -E "^(objects|consumed) " $DRI_DEBUG/pool; cat $DRI_DEBUG/prime; }

# The lane's slowness (the harness's @slow=N, passed as wcfb_slow=N): every
# in-guest wait below scales its limit by it, as the host scales its
# timeouts, so a slow lane or a busy host waits longer instead of failing.
SLOW=${wcfb_slow:-1}

# wait_until SECONDS CMD...: poll CMD (every 50 ms) until it succeeds;
# fails once SECONDS x SLOW have passed by the clock (/proc/uptime, so a
# slow CMD or a busy guest does not stretch the limit as counting polls
# did).  The event-wait that replaces fixed sleeps: wait for what the test
# needs (a counter moving, a line in a log), never for a guessed time.
_uptime_cs() {
	local u
	read -r u _ < /proc/uptime
	u=${u%.*}${u#*.}
	# (no leading zeros: "0.08" would be octal 008 to the shell)
	while [ "${u#0}" != "$u" ] && [ ${#u} -gt 1 ]; do u=${u#0}; done
	echo "$u"
}
wait_until() {
	local deadline=$(($(_uptime_cs) + $1 * 100 * SLOW))
	shift
	until "$@"; do
		[ "$(_uptime_cs)" -ge $deadline ] && return 1
		sleep 0.05
	done
}

# flips: the scanout's flip counter (debugfs scanout): it moves at every
# buffer the display engine is given, so it says a client is really
# presenting frames.
flips() { sed -n 's/^flips //p' $DRI_DEBUG/scanout; }

# wait_flips N [SECONDS]: wait until the display has flipped N more times
# than when called (default limit 30 s x SLOW).
wait_flips() {
	local f0 n=$1
	f0=$(flips)
	wait_until "${2:-30}" _flipped_since "$f0" "$n"
}
_flipped_since() { [ $(($(flips) - $1)) -ge "$2" ]; }

# shot NAME CHECK...: ask the host for a screendump of what the display
# shows now and to check it (see the harness for the checks).  Returns 0
# when the host says the check passed.
shot() {
	local name=$1 reply
	shift
	stty -F "$CTL" -echo 2>/dev/null
	ctl SHOT "$name" "$@"
	read -r reply < "$CTL"
	case "$reply" in
	*"ok $name"*) return 0 ;;
	*) echo "shot $name: host said: $reply"; return 1 ;;
	esac
}

# engine_ctl COMMAND...: a command for the blitter model's control socket
# (fault injection: fail-next N, delay MS, hang, resume, stats, kill),
# through the host.  Returns 0 when the model accepted it.
engine_ctl() {
	local reply
	stty -F "$CTL" -echo 2>/dev/null
	ctl ENGINE "$@"
	read -r reply < "$CTL"
	case "$reply" in
	*"ok ENGINE"*) return 0 ;;
	*) echo "engine $*: $reply"; return 1 ;;
	esac
}

# shot_until SECONDS NAME CHECK...: like shot, but the host captures again
# (every 0.2 s, for up to SECONDS x the lane's slowness) until the check
# passes: the screen itself is the event waited for (console text after
# fbcon's deferred flush, a client's first frames).  Only for positive
# checks: a negative control must look once, at a moment the test chose.
shot_until() {
	local secs=$1
	shift
	local name=$1
	shift
	shot "$name" "@until=$secs" "$@"
}

# modload NAME [PARAMS...]: insmod NAME's dependencies in depmod order
# (MODDIR/NAME.deps, written by mkinitramfs.sh), then NAME with PARAMS.
modload() {
	local m name=$1
	shift
	for m in $(cat "$MODDIR/$name.deps" 2>/dev/null); do
		[ "$m" = "$name" ] && continue
		# /sys/module spells i2c-core as i2c_core.
		[ -d "/sys/module/$(echo "$m" | tr - _)" ] ||
			insmod "$MODDIR/$m.ko" || return 1
	done
	[ -d "/sys/module/$name" ] || insmod "$MODDIR/$name.ko" "$@"
}

# rootfs_mount: mount the large client root filesystem (hw/qemu/mkrootfs.sh)
# at /rootfs, read-only, as the harness attached it (wcfb_rootfs=ext4: a
# virtio-blk image; wcfb_rootfs=9p: the host tree over virtio-9p), with
# /dev, /proc, /sys and writable /tmp and /run inside, for
# `chroot /rootfs ...`.
ROOTFS=/rootfs
# Weston's runtime directory and config (desktop background 0x204080, no
# panel, no animations, no input needed), and $env for running it and its
# clients in the client rootfs.  After rootfs_mount.
weston_setup() {
	mkdir -p $ROOTFS/run/user/0 && chmod 0700 $ROOTFS/run/user/0
	cat > $ROOTFS/tmp/weston.ini <<'INI'
[core]
require-input=false
idle-time=0

[shell]
background-color=0xff204080
panel-position=none
locking=false
animation=none
startup-animation=none
INI
	env="XDG_RUNTIME_DIR=/run/user/0 SHELL=/bin/sh HOME=/tmp"
}

# udevd_start: udev's daemon from the client rootfs (it passes uevents on
# to clients' libudev monitors and tags input devices), running once its
# control socket is there; 1 with a line saying why not.  udevd_stop ends it.
udevd_start() {
	chroot $ROOTFS /lib/systemd/systemd-udevd --daemon ||
		{ echo "systemd-udevd did not start"; return 1; }
	wait_until 10 _udevd_up || { echo "systemd-udevd made no control socket"; return 1; }
}
_udevd_up() { [ -S $ROOTFS/run/udev/control ]; }
udevd_stop() { kill $(pidof systemd-udevd) 2>/dev/null; }

rootfs_mount() {
	[ -e $ROOTFS/usr/bin/weston ] && return 0
	mkdir -p $ROOTFS
	modload virtio_mmio || return 1
	case "${wcfb_rootfs:-}" in
	9p)
		modload 9pnet_virtio && modload 9p || return 1
		mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
			wcfbroot $ROOTFS || return 1
		;;
	ext4)
		modload virtio_blk && modload ext4 || return 1
		mount -t ext4 -o ro /dev/vda $ROOTFS || return 1
		;;
	*)
		echo "no client rootfs attached (wcfb_rootfs unset)"
		return 1
		;;
	esac
	mount -t devtmpfs dev $ROOTFS/dev
	mkdir -p $ROOTFS/dev/pts
	mount -t devpts devpts $ROOTFS/dev/pts
	mount -t proc proc $ROOTFS/proc
	mount -t sysfs sys $ROOTFS/sys
	mount -t tmpfs tmp $ROOTFS/tmp
	mount -t tmpfs run $ROOTFS/run
}

# wcfb-planetest as a server of scenes (t_planes, t_crc); PT is its
# working directory.
PT=/tmp/planetest
# pt_start [OPTIONS]: wcfb-planetest in the background, reading scenes from
# fd 3 and answering on fd 4 (FIFOs: each scene is one line, its answer
# ends with READY, SKIP or FAIL).
pt_start() {
	rm -rf $PT && mkdir -p $PT && mkfifo $PT/in $PT/out || return 1
	wcfb-planetest "$@" < $PT/in > $PT/out 2> $PT/err &
	pt_pid=$!
	exec 3> $PT/in 4< $PT/out
}
# pt_stop: stdin's end ends it; its exit status.
pt_stop() {
	local rc
	exec 3>&-
	cat <&4
	exec 4<&-
	wait $pt_pid
	rc=$?
	[ $rc = 0 ] || echo "wcfb-planetest exited $rc: $(cat $PT/err)"
	return $rc
}
# scene LINE: the scene on screen, its flip event waited for; REF (and
# CRC, ZC, SCANOUT) from the reference.  0, 77 (skipped) or 1.
scene() {
	local w rest
	REF= CRC= ZC= SCANOUT=
	echo "$*" >&3 || { echo "scene $*: wcfb-planetest is gone"; return 1; }
	while read -r w rest <&4; do
		case $w in
		REF) REF=$rest ;;
		CRC) CRC=$rest ;;
		SCANOUT) SCANOUT=$rest; ZC=${rest##* } ;;
		READY) return 0 ;;
		SKIP) echo "scene $*: skipped: $rest"; return 77 ;;
		FAIL) echo "scene $*: $rest"; return 1 ;;
		*) echo "wcfb-planetest: $w $rest" ;;
		esac
	done
	echo "scene $*: wcfb-planetest ended: $(cat $PT/err)"
	return 1
}
