# tier: check
# fbcon draws on the write-combined scanout: text written to tty1 shows up
# as glyph pixels at the right character cells (VGA 8x16 font).
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
# Clear, home, hide the cursor, write a known line at row 2, column 4.
# fbcon's damage reaches the scanout in a deferred flush: the host
# captures until the text is there (or fails after the limit).
printf '\033[2J\033[H\033[?25l\n\n    WCFB CONSOLE OK' > /dev/tty1
shot_until 10 fbcon glyphs 8 16 2 4 WCFB_CONSOLE_OK_ || exit 1
# The clear is waited for the same way: until the cells that showed the
# text are blank.
printf '\033[2J\033[H' > /dev/tty1
shot_until 10 fbcon_clear glyphs 8 16 2 4 _______________
