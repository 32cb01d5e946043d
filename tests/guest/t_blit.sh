# timeout: 300
# tier: check
# Every blitter op (FILL, COPY, BLEND, CONVERT) on cached->WC,
# cached->cached, WC->WC, WC->cached and overlapping copies, with seeded
# random rectangles incl. 1 pixel, full frame and edges: pixel-exact
# against the CPU reference of Documentation/engine-protocol.md, and
# nothing outside the target rectangle changes.
wcfb-blittest ops 7 80
