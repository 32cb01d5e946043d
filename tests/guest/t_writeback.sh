# timeout: 120
# tier: check
# The writeback connector gives the frame the screen shows, pixel for
# pixel: wcfb-wbtest puts a scene up (the primary alone, scanned out
# directly; then with a translucent overlay, composed by the blitter),
# takes the frame through the writeback connector and its out-fence, and
# the host's QMP capture of the screen must hash the same.  The control:
# between two clean writebacks, one whose copy the engine model corrupts
# by one pixel must not match.
wcfb-wbtest --corrupt </dev/null || exit 1
wcfb-wbtest --overlay --corrupt </dev/null || exit 1
wcfb-wbtest --overlay --format AB24 </dev/null || exit 1
wcfb-wbtest --format XB24 </dev/null || exit 1
wcfb-wbtest --overlay --format AR24 </dev/null || exit 1
# Damage: 12 moves of the overlay, each composing only where it was and
# is; the result equals the host capture and the same state composed whole.
wcfb-wbtest --overlay --moves 12 </dev/null || exit 1
# The same over a scaled, mirrored primary: each move recomposes parts of
# it, which must take exactly the samples the whole frame takes.
wcfb-wbtest --overlay --moves 12 --scaled </dev/null || exit 1
# CRC capture on during 12 moves: each frame's CRC is made as it is
# composed, reading only the rows the move changed (protocol 1.4); the
# CRC reported for each move's frame must be the CRC-32 of its writeback.
wcfb-wbtest --overlay --moves 12 --crc </dev/null || exit 1
# Figure (one run, for orientation): the mean time of the frames composed
# above (1024x768 XRGB8888, job built to fence signalled), debugfs.
n=$(sed -n 's/^composed //p' $DRI_DEBUG/scanout)
us=$(sed -n 's/^compose_mean_us //p' $DRI_DEBUG/scanout)
ctl BENCH "{\"name\":\"compose\",\"figures\":{\"frame_mean\":{\"value\":${us:-0},\"unit\":\"us\"},\"frames\":{\"value\":${n:-0},\"unit\":\"\"}}}"
