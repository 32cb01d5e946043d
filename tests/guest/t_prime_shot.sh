# timeout: 120
# tier: check
# The in-guest screenshot tool (wcfb-screenshot: GETFB2, PRIME export,
# dma-buf mmap with DMA_BUF_IOCTL_SYNC, PNG) and the host's screendump
# agree pixel-exactly (rgbhash of the PNG's RGB rows) on three screens: a
# pattern at 1024x768 XRGB8888, a pattern at 800x600 RGB888, and the
# fbcon console with text on it; each negative control is the hash of
# another real screen of the test, which must not match.
wcfb-primetest screens 3 || exit 1
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
# console TEXT NAME: TEXT on the console, once the screen shows it (and
# not a longer text before it: the cells after it are empty), hashed in
# the guest (-> $hash) and compared with the host's capture NAME.
console() {
	local out
	printf '\033[2J\033[H\033[?25l\n\n    %s' "$1" > /dev/tty1
	shot_until 10 ${2}_text glyphs 8 16 2 4 "$(echo "$1" | tr ' ' _)______" || return 1
	out=$(wcfb-screenshot /tmp/$2.png) || { echo "wcfb-screenshot failed"; return 1; }
	echo "$out"
	hash=$(echo "$out" | sed -n 's/^rgbhash \([0-9a-f]*\) .*/\1/p')
	[ -n "$hash" ] || return 1
	shot $2 rgbhash "$hash"
}
# Two console screens one word apart; the negative control compares the
# second screen's capture with the first's in-guest hash, which must
# differ from the second's: a real screen, so only the difference fails it.
console "WCFB PRIME SCREENSHOT AGAIN" shot_console_other || exit 1
other=$hash
console "WCFB PRIME SCREENSHOT" shot_console || exit 1
[ "$other" != "$hash" ] || { echo "two different console screens hash alike: $hash"; exit 1; }
shot shot_console_neg '!rgbhash' "$other" || exit 1
# The console's buffer now has a dma-buf, which DRM keeps (obj->dma_buf)
# for as long as the buffer has a handle -- the fbdev client's, forever --
# and every wcfb dma-buf pins wcfb.ko: rmmod is refused until the device
# is unbound (which drops the fbdev client).  Check that, and leave the
# driver rebound and unpinned for the tests that rmmod it.
echo "prime after the console screenshot: $(tr '\n' ' ' < $DRI_DEBUG/prime)"
if rmmod wcfb 2>/dev/null; then echo "rmmod worked with the console's dma-buf alive"; exit 1; fi
dev=$(wcfb_platform_dev) || { echo "no bound wcfb platform device"; exit 1; }
echo "$dev" > $WCFB_DRV/unbind || exit 1
echo "$dev" > $WCFB_DRV/bind || exit 1
grep -q "^exports_wc 0$" $DRI_DEBUG/prime || { echo "export still alive after rebind"; cat $DRI_DEBUG/prime; exit 1; }
rmmod wcfb || { echo "rmmod refused after the rebind"; exit 1; }
insmod $MODDIR/wcfb.ko || exit 1
