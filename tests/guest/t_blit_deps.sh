# timeout: 120
# tier: check
# A blit's dependencies are the scheduler's, not the ioctl's
# (drm/wcfb_job.c): with an in-fence (a vgem fence imported into a
# syncobj as a sync_file) or an implicit write fence (vgem's, on a vgem
# buffer imported as the destination) that nobody has signalled, the BLIT
# ioctl returns 0, the out-fence stays unsignalled and the destination
# untouched; once the vgem fence is signalled the blit lands.  The ioctl's
# time with the unsignalled fence is the "blit_dependency" benchmark.  A
# driver that waits in the ioctl fails here: the ioctl would only return
# after vgem's own 10 s fence timeout, with the fence signalled.
modload vgem || { echo "cannot load vgem"; exit 1; }
rc=0
wcfb-deptest 20 || rc=1
rmmod vgem
exit $rc
