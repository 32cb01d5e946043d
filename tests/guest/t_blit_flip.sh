# timeout: 120
# Blit into a scanout buffer, then flip to it without waiting: the commit
# waits for the blit's fence (implicit sync), so the host's capture always
# shows the finished blit (the engine is slowed down to make it matter).
wcfb-blittest flip 21
