# tier: bench
# timeout: 200
# Benchmarks (figures only; they fail only when a blit cannot be made):
# 1080p copy cached->WC, engine (guest submit->fence) vs CPU memcpy, median,
# min and max of 11; 64x64 fill submit->fence latency; small-fill ops/s in
# batches of 256.
wcfb-blittest bench
