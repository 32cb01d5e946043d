# timeout: 120
# Permissions and address leaks (wcfb-permtest, issue #7):
# selfcheck - negative controls: planted kernel pointers, pool and RAM
#   addresses are found by the word and text scanners, real ones read as
#   root (debugfs pool/scanout/framebuffer, the module's .text) too, and a
#   planted tree walked as uid 65534 yields its leaks, its unreadable and
#   its world-writable file;
# handles - the render node and an unprivileged (uid 65534, non-master,
#   unauthenticated) primary-node client cannot use client A's GEM or
#   syncobj handles, FLINK names or framebuffers and cannot modeset while A
#   is master; A's buffers, display and rights are unchanged afterwards;
# ioctls - every wcfb ioctl and the generic DRM ones the driver implements,
#   with valid arguments: no output holds a kernel pointer or a System RAM,
#   pool or buffer address; fresh buffers are zeroed;
# files - as uid 65534: /sys/class/drm, wcfb's module, driver and device
#   directories, /dev/dri, debugfs and the kernel log leak no address,
#   nothing is writable, debugfs and module sections are closed.
# Afterwards the pool and PRIME counts are back to baseline.
# uid 65534 must reach /proc, /sys and /dev like any user: the initramfs
# root is 0755 as on a real root filesystem (mkinitramfs.sh).
ls -ld /
[ "$(ls -ld / | cut -c1-10)" = drwxr-xr-x ] || { echo "/ is not 0755"; exit 1; }
base=$(buffer_counts)
rc=0
for sub in selfcheck handles ioctls files; do
	echo "== wcfb-permtest $sub"
	wcfb-permtest $sub || { echo "wcfb-permtest $sub failed"; rc=1; }
done
now=$(buffer_counts)
[ "$now" = "$base" ] || { echo "counts not back to baseline:"; echo "$base"; echo "--"; echo "$now"; rc=1; }
exit $rc
