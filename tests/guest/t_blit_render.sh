# The render node: cached buffers, mmap and blits allowed; modesetting
# and dumb buffers refused.
wcfb-blittest render
