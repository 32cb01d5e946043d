# timeout: 400
# Every listed mode in every format: two buffers with distinct patterns,
# a modeset and two page flips, each captured by the host and compared
# pixel-exactly with the pattern the client drew.
wcfb-kmstest flip all all 1
