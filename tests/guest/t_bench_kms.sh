# timeout: 120
# skip-lanes: swiotlb
# (figures are per pool layout; bounce buffering changes nothing here)
# Benchmarks (figures only): 1000 page flips at 60 Hz, pool efficiency.
wcfb-kmstest bench-flips 1000 && wcfb-kmstest bench-pool
