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

# buffer_counts: the driver's live pool objects and bytes and its PRIME
# counts (debugfs); a test compares them with a baseline to find leaks.
buffer_counts() { grep -E "^(objects|consumed) " $DRI_DEBUG/pool; cat $DRI_DEBUG/prime; }

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
