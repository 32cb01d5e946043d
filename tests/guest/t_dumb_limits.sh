# timeout: 120
# Dumb buffers are bounded by memory, not by what the display shows (IGT
# dumb_buffer create-clear probes with 262144-pixel-wide buffers and took
# a refusal of the first for "0 bytes"): IGT's probe ends in ENOMEM only;
# the largest buffer, found to the page, is created twice and reads zero,
# one page more is ENOMEM, and it is within the pool's free space
# (wcfb-kmstest dumblimits).
wcfb-kmstest dumblimits
