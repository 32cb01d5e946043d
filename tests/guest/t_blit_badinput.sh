# Malformed blits (rects out of bounds, overflowing sizes, bad handles,
# unknown formats/ops, 1e6 ops, bad syncobjs) fail cleanly, write nothing.
wcfb-blittest badinput
