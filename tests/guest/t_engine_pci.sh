# The blitter's PCI function is there: QEMU's ivshmem-doorbell (1af4:1110)
# at 00:03.0 with its device-tree node, and BAR2 carries the engine's
# identification block ("WCBL", version 1).
d=/sys/bus/pci/devices/0000:00:03.0
[ -d $d ] || { echo "no PCI function at 00:03.0"; ls /sys/bus/pci/devices; exit 1; }
echo "vendor $(cat $d/vendor) device $(cat $d/device)"
[ "$(cat $d/vendor):$(cat $d/device)" = "0x1af4:0x1110" ] || { echo "not ivshmem"; exit 1; }
[ -e $d/of_node ] || { echo "no of_node"; exit 1; }
echo "of_node: $(cat $d/of_node/compatible | tr '\0' ' ')"
# Once wcfb.ko's engine driver has bound, it owns BAR2 (devmem cannot map
# a claimed region): the binding is the proof, it checks MAGIC/VERSION.
if [ -e $d/driver ]; then
	drv=$(basename "$(readlink $d/driver)")
	echo "bound to $drv"
	[ "$drv" = wcfb-blitter ] || { echo "bound to the wrong driver"; exit 1; }
	dmesg | grep -q "wcfb blitter v1\." || { echo "no bring-up line"; exit 1; }
	exit 0
fi
echo 1 > $d/enable
# sysfs resourceN files only mmap; read BAR2 through /dev/mem instead.
bar2=$(sed -n 3p $d/resource | cut -d' ' -f1)
magic=$(devmem $bar2 32)
version=$(devmem $((bar2 + 4)) 32)
echo "BAR2 at $bar2: magic $magic version $version"
[ "$magic" = 0x4C424357 ] && [ "$version" = 0x00010000 ] ||
	{ echo "BAR2 is not the wcfb engine"; exit 1; }
