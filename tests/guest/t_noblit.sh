# lanes: noblit
# The blitter is optional: with its DT node disabled (and no engine), the
# driver probes, the display flips and the console draws (its damage
# flushed by the CPU), and blits are refused with ENODEV.  Framebuffers
# of memory only a blitter could compose (a vgem import, a cached
# buffer) are refused at AddFB2 with EINVAL and a log line that says why.
[ -e /dev/dri/card0 ] || { echo "display did not probe without the blitter"; exit 1; }
dmesg | grep -i "wcfb" | grep -i "blitter" | head -3
wcfb-blittest noengine || exit 1
wcfb-kmstest flip 800x600 XR24 7 || exit 1
modload vgem || { echo "cannot load vgem"; exit 1; }
dbg=$(cat /sys/module/drm/parameters/debug)
echo 0xc > /sys/module/drm/parameters/debug
dmesg -c > /dev/null
wcfb-primetest vgemfb refused || exit 1
echo "$dbg" > /sys/module/drm/parameters/debug
dmesg | grep "cannot back a framebuffer: " || { echo "no log line for the refusal"; exit 1; }
rmmod vgem
chvt 1
# The console's damage is flushed by the CPU (debugfs fbdev): no engine
# flush ever, and CPU flushes for this text.
fbd() { awk -v k="$1" '$1 == k { print $2 }' $DRI_DEBUG/fbdev; }
c0=$(fbd cpu_flushes)
printf '\033[2J\033[H\033[?25l\n\n    NO BLITTER' > /dev/tty1
# Captured again until the deferred flush has put the text on screen.
shot_until 10 fbcon_noblit glyphs 8 16 2 4 NO_BLITTER || exit 1
cat $DRI_DEBUG/fbdev
[ "$(fbd engine_flushes)" = 0 ] || { echo "engine flushes without a blitter"; exit 1; }
[ "$(fbd cpu_flushes)" -gt "$c0" ] || { echo "the console text was not flushed by the CPU"; exit 1; }
# The scrolled console, by the CPU, against the golden the blitter's
# lanes match too (t_fbcon_accel: it sees no engine and expects the CPU;
# it ends the test, so it comes last).
. /tests/t_fbcon_accel.sh
