# lanes: noblit
# The blitter is optional: with its DT node disabled (and no engine), the
# driver probes, the display flips and the console draws, and blits are
# refused with ENODEV.
[ -e /dev/dri/card0 ] || { echo "display did not probe without the blitter"; exit 1; }
dmesg | grep -i "wcfb" | grep -i "blitter" | head -3
wcfb-blittest noengine || exit 1
wcfb-kmstest flip 800x600 XR24 7 || exit 1
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    NO BLITTER' > /dev/tty1
sleep 0.3
shot fbcon_noblit glyphs 8 16 2 4 NO_BLITTER
