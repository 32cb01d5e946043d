# tier: bench
# timeout: 240
# skip-lanes: swiotlb
# Composition benchmark against VKMS, same boot, same kernel (figures only;
# it fails only when a run cannot be made).  The scene of
# wcfb-compbench: 1920x1080@60, primary + one 960x540 ARGB8888 overlay +
# a 256x256 ARGB8888 cursor moved by every one of 600 nonblocking commits,
# CRC capture on.  Runs: wcfb with damage tracking (compose_wcfb), wcfb
# composing every frame whole (compose_wcfb_full, the TEST ONLY parameter
# test_compose_full), then VKMS (vkms.ko built out of tree from the same
# linux-source-6.1, enable_overlay=1) with at most VKMS_SECONDS for its
# 600 frames: it composes on the CPU.  compose_ratio: wcfb's kernel CPU
# per frame over VKMS's.
FRAMES=600
VKMS_SECONDS=60
FULL=/sys/module/wcfb/parameters/test_compose_full
[ -e "$MODDIR/vkms.ko" ] || { echo "no vkms.ko in this initramfs"; exit 77; }
[ -w $FULL ] || { echo "wcfb has no test_compose_full parameter"; exit 1; }
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
rc=0

wcfb-compbench run wcfb compose_wcfb $FRAMES 0 || rc=1
echo 1 > $FULL
wcfb-compbench run wcfb compose_wcfb_full $FRAMES 0 || rc=1
echo 0 > $FULL

modload vkms enable_overlay=1 || { echo "cannot load vkms"; exit 1; }
wcfb-compbench run vkms compose_vkms $FRAMES $VKMS_SECONDS || rc=1
rmmod vkms || { echo "cannot unload vkms"; rc=1; }

wcfb-compbench ratio compose_ratio compose_wcfb compose_vkms || rc=1
wcfb-compbench ratio compose_ratio_full compose_wcfb_full compose_vkms || rc=1
exit $rc
