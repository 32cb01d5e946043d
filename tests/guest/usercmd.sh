#!/bin/sh
# wcfb_mode=run (hw/qemu/wcfb-run): runs one command of the user's in the
# guest and reports its exit status.  See Documentation/running-your-programs.md.
#
#   - /dev/dri/by-path/<bus>-<device>-card (and -render): udev's stable
#     names for the DRM nodes, made here since the guest has no udev
#     (wcfb's display node is "display": platform-display-card).
#   - The kernel log (/dev/kmsg, from the start of the boot) streams to the
#     host as "@@WCFB KLOG <record>" lines, so it is kept even when the run
#     times out.
#   - The user's directory (9p tag wcfbwork, read-only) is at /work, the
#     command's working directory.  With the client rootfs (wcfb_rootfs=9p
#     or ext4) the command runs chrooted in a root made of the rootfs's
#     /usr, /lib and /etc (Mesa, Weston, modetest), busybox in /bin,
#     wcfb-shot, /work, and writable /tmp and /run; without it, in the
#     initramfs itself.
#   - The host sends the command as one base64 line after "@@WCFB RUNCMD";
#     "@@WCFB START" and "@@WCFB EXIT <status>" frame it.
. /tests/lib.sh

dri_by_path() {
	local n dev bus kind
	mkdir -p /dev/dri/by-path
	for n in /sys/class/drm/card[0-9]* /sys/class/drm/renderD[0-9]*; do
		case "${n##*/}" in *-*) continue ;; esac	# card0-Virtual-1: a connector
		[ -e "$n/device" ] || continue
		dev=$(readlink -f "$n/device")
		bus=$(basename "$(readlink -f "$dev/subsystem")")
		case "${n##*/}" in
		card*) kind=card ;;
		*) kind=render ;;
		esac
		ln -sfn "../${n##*/}" "/dev/dri/by-path/$bus-${dev##*/}-$kind"
	done
}

fail() { echo "wcfb-run (guest): $*"; ctl EXIT 125; exit 0; }

dri_by_path
stty -F "$CTL" -echo 2>/dev/null
# (cat reads whole records, which /dev/kmsg requires; echo writes each
# line at once, where a buffering filter would keep the last ones.)
cat /dev/kmsg 2>/dev/null | while read -r rec; do echo "@@WCFB KLOG $rec"; done > "$CTL" &
klog=$!

root=
if [ -n "${wcfb_rootfs:-}" ]; then
	rootfs_mount || fail "cannot mount the client rootfs"
	root=/run/wcfb-root
	mkdir -p $root
	mount -t tmpfs -o mode=0755 root $root
	for d in "$ROOTFS"/*; do
		name=${d##*/}
		case "$name" in
		dev | proc | sys | tmp | run) ;;
		*)
			if [ -L "$d" ]; then
				cp -a "$d" "$root/$name"
			elif [ -d "$d" ]; then
				mkdir "$root/$name" && mount --bind "$d" "$root/$name"
			fi
			;;
		esac
	done
	mkdir -p $root/bin $root/dev $root/proc $root/sys $root/tmp $root/run $root/work
	cp /bin/busybox $root/bin/busybox
	for a in $(busybox --list); do ln -s busybox $root/bin/$a 2>/dev/null; done
	mount -t proc proc $root/proc
	mount -t devtmpfs dev $root/dev
	mkdir -p $root/dev/pts $root/dev/shm
	mount -t devpts devpts $root/dev/pts
	# POSIX shared memory, as on any system: Wayland clients (swaybg) make
	# their buffers with shm_open().
	mount -t tmpfs -o mode=1777 shm $root/dev/shm
	mount -t sysfs sys $root/sys
	mount -t debugfs debugfs $root/sys/kernel/debug
	mount -t tmpfs -o mode=1777 tmp $root/tmp
	mount -t tmpfs -o mode=0755 run $root/run
else
	mkdir -p /work
fi
mkdir -p -m 0700 $root/run/user/0 $root/run/user/1000
# The rootfs's unprivileged user "wcfb" (1000), for programs that refuse
# to run as root, such as sway.
chown 1000:1000 $root/run/user/1000
cp /tests/wcfb-shot $root/bin/wcfb-shot
chmod 755 $root/bin/wcfb-shot
# wcfb-pointer, a uinput pointer for compositors (the guest has no mouse),
# with the modules it needs: the command's root has no /lib/modules.
[ -n "$root" ] && cp /usr/bin/wcfb-pointer $root/bin/wcfb-pointer
modload uinput && modload evdev || echo "wcfb-run (guest): no uinput: wcfb-pointer will not work"
modload virtio_mmio && modload 9pnet_virtio && modload 9p ||
	fail "cannot load the 9p modules"
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
	wcfbwork $root/work || fail "cannot mount the shared directory (9p tag wcfbwork)"

card=$(ls /dev/dri/by-path/ 2>/dev/null | grep -e '-card$' | head -n1)
ctl RUNCMD
read -r b64 < "$CTL"
echo "$b64" | base64 -d > /tmp/wcfb-cmd || fail "bad command line from the host"
cp /tmp/wcfb-cmd $root/tmp/.wcfb-cmd 2>/dev/null
ctl START
chroot ${root:-/} /bin/busybox env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
	HOME=/tmp XDG_RUNTIME_DIR=/run/user/0 TERM=linux \
	WCFB_CARD=${card:+/dev/dri/by-path/$card} \
	/bin/sh -c 'cd /work || exit 125; cmd=$(cat /tmp/.wcfb-cmd); rm -f /tmp/.wcfb-cmd; eval "$cmd"' \
	< /dev/null > "$CTL" 2>&1
rc=$?
# The marker the host waits for before it ends the guest: every kernel
# line before it has been forwarded.
echo "wcfb-run: command exited with status $rc" > /dev/kmsg
ctl EXIT $rc
# (init powers off once the host has seen the marker and ended QEMU, or
# at once: the host stops reading at the marker or after a grace period.)
wait_until 5 false
kill $klog 2>/dev/null
