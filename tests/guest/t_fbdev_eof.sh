# tier: check
# /dev/fb0 at its end behaves as a file of that size (IGT's fbdev eof): a
# write crossing the end returns the short count and its bytes land, a
# write at the end fails with ENOSPC, reads likewise (wcfb-fbdevtest eof).
wcfb-fbdevtest eof /dev/fb0
