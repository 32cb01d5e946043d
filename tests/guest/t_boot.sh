# tier: check
# The Debian kernel booted, the module probed on the display node, and the
# device tree's pool is the one this lane asked for.
[ -d /sys/module/wcfb ] || { echo "wcfb module not loaded"; exit 1; }
[ -e /dev/dri/card0 ] || { echo "no /dev/dri/card0"; exit 1; }
grep -q wcfb $DRI_DEBUG/name || { echo "dri/0 is not wcfb"; exit 1; }
echo "probed: $(cat $DRI_DEBUG/name)"
layout=$(sed -n 's/^layout //p' $DRI_DEBUG/pool)
echo "pool layout: $layout (device tree built for ${wcfb_layout:-?})"
[ -z "${wcfb_layout:-}" ] || [ "$layout" = "$wcfb_layout" ] ||
	{ echo "pool layout $layout, the device tree says $wcfb_layout"; exit 1; }
# (An out-of-tree module taints the kernel as unsigned: that line is expected.)
# (The command line lists the tests by name; its echo in dmesg is not a
# complaint whatever the names are.  Nor are KUnit's result lines, "fail:0"
# included, when the kunit test ran before this one in the boot.)
if dmesg | grep -E "wcfb|WARNING" | grep -v "module verification failed" |
   grep -v -i "command line" | grep -v "^\[ *[0-9.]*\]     wcfb_" |
   grep -vE "# [a-z_]+: pass:[0-9]+ fail:0 |\] +ok [0-9]+ " |
   grep -iE "warn|error|fail"; then
	echo "warnings in dmesg"; exit 1
fi
[ -e /dev/fb0 ] || { echo "no fbdev emulation (/dev/fb0)"; exit 1; }
