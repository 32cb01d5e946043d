# timeout: 120
# The in-guest screenshot tool (wcfb-screenshot: GETFB2, PRIME export,
# dma-buf mmap with DMA_BUF_IOCTL_SYNC, PNG) and the host's screendump
# agree pixel-exactly (rgbhash of the PNG's RGB rows) on three screens: a
# pattern at 1024x768 XRGB8888, a pattern at 800x600 RGB888, and the
# fbcon console with text on it.
wcfb-primetest screens 3 || exit 1
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
printf '\033[2J\033[H\033[?25l\n\n    WCFB PRIME SCREENSHOT' > /dev/tty1
sleep 0.3
out=$(wcfb-screenshot /tmp/console.png) || { echo "wcfb-screenshot failed"; exit 1; }
echo "$out"
hash=$(echo "$out" | sed -n 's/^rgbhash \([0-9a-f]*\) .*/\1/p')
[ -n "$hash" ] || exit 1
shot shot_console rgbhash "$hash" || exit 1
shot shot_console_text glyphs 8 16 2 4 WCFB_PRIME_SCREENSHOT || exit 1
# Negative control: a hash of another screen must not match.
shot shot_console_neg '!rgbhash' 0123456789abcdef || exit 1
# The console's buffer now has a dma-buf, which DRM keeps (obj->dma_buf)
# for as long as the buffer has a handle -- the fbdev client's, forever --
# and every wcfb dma-buf pins wcfb.ko: rmmod is refused until the device
# is unbound (which drops the fbdev client).  Check that, and leave the
# driver rebound and unpinned for the tests that rmmod it.
echo "prime after the console screenshot: $(tr '\n' ' ' < $DRI_DEBUG/prime)"
if rmmod wcfb 2>/dev/null; then echo "rmmod worked with the console's dma-buf alive"; exit 1; fi
drv=/sys/bus/platform/drivers/wcfb
dev=""
for d in $drv/*; do [ -L "$d" ] && [ "${d##*/}" != module ] && dev=${d##*/}; done
[ -n "$dev" ] || { echo "no bound wcfb platform device"; exit 1; }
echo "$dev" > $drv/unbind || exit 1
echo "$dev" > $drv/bind || exit 1
grep -q "^exports_wc 0$" $DRI_DEBUG/prime || { echo "export still alive after rebind"; cat $DRI_DEBUG/prime; exit 1; }
rmmod wcfb || { echo "rmmod refused after the rebind"; exit 1; }
insmod $MODDIR/wcfb.ko || exit 1
