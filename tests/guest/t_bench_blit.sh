# tier: bench
# timeout: 200
# Benchmarks (figures only; they fail only when a blit cannot be made):
# 1080p copy cached->WC, engine (guest submit->fence) vs CPU memcpy, median,
# min and max of 11; 64x64 fill submit->fence latency; small-fill ops/s in
# batches of 256; the BLIT ioctl's time with an unsignalled in-fence, with
# an unsignalled implicit fence and with none (wcfb-deptest, which also
# checks that those blits wait for their fences; t_blit_deps runs it in
# make test).
wcfb-blittest bench || exit 1
modload vgem || { echo "cannot load vgem"; exit 1; }
rc=0
wcfb-deptest 50 || rc=1
rmmod vgem
exit $rc
