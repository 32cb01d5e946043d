# tier: bench
# timeout: 120
# skip-lanes: swiotlb
# (figures are per pool layout; bounce buffering changes nothing here)
# Benchmarks (figures only; they fail only when a measurement cannot be
# made): 1000 page flips at the mode's refresh — the refresh measured from
# event arrival beside the mode's computed one, interval errors of the
# driver's timestamps and of the arrival times, event lateness, missed
# vblanks and late flips; pool efficiency.
wcfb-kmstest bench-flips 1000 && wcfb-kmstest bench-pool
