# timeout: 200
# Benchmarks (figures only): 1080p copy cached->WC, engine vs CPU memcpy;
# 64x64 fill submit->fence latency; small-fill ops/s in batches of 256.
wcfb-blittest bench
