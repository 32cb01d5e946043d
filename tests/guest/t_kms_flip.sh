# timeout: 400
# tier: check
# Every listed mode in every format: two buffers with distinct patterns,
# a modeset and two page flips, each captured by the host and compared
# pixel-exactly with the pattern the client drew.  wcfb_flip_modes=WxH,...
# (a lane word) limits the modes: the cma lane runs them all, the lanes
# whose variable is not the mode matrix two of them.
wcfb-kmstest flip "${wcfb_flip_modes:-all}" all 1
