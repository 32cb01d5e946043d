# timeout: 600
# tier: check
# skip-lanes: swiotlb
# The ioctl fuzzer (tests/fuzz/wcfb-fuzz.c): 100,000 seeded calls on the
# primary node and 20,000 on the render node.  The harness fails the test
# on any oops/WARN and the lane on any engine fault-log entry; here we also
# check that the device still works and that everything the fuzzer
# created was freed when it exited (pool objects back to baseline).
# The debug lane runs the full count too (~90 s there).  wcfb_fuzz_div=N
# (a kernel command-line word) divides both counts for a quick local run.
seed=${wcfb_fuzz_seed:-1}
div=${wcfb_fuzz_div:-1}
before=$(grep -E "^(objects|consumed) " $DRI_DEBUG/pool | tr '\n' ' ')
wcfb-fuzz /dev/dri/card0 $seed $((100000 / div)) || exit 1
wcfb-fuzz /dev/dri/renderD128 $((seed + 1)) $((20000 / div)) || exit 1
after=$(grep -E "^(objects|consumed) " $DRI_DEBUG/pool | tr '\n' ' ')
echo "pool before: $before; after: $after"
[ "$before" = "$after" ] || { echo "the fuzzer's buffers were not all freed"; exit 1; }
wcfb-kmstest flip 800x600 XR24 21 || { echo "display broken after fuzzing"; exit 1; }
