# timeout: 120
# Legacy cursor ioctls as IGT's kms_cursor_legacy and X servers make them:
# each move, issued right after a nonblocking flip, takes the driver's
# async path (it never waits for the flip's vblank; the flip's frame shows
# the cursor where the move put it), every flip's event still arrives, and the screen shows the
# cursor where the last move put it, clipped at a corner (host capture
# against the CPU's frame).  Moves to where the cursor already is compose
# nothing (debugfs composed stays, cursor_unchanged counts them).  A
# nonblocking disable's event is not there when the commit returns: it
# comes at the end of the frame.  The moves' times go to the benchmarks
# (wcfb-committest cursor).
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
wcfb-committest cursor
