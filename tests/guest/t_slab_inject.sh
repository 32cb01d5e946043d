# kernel: debug
# timeout: 180
# Allocation failures (failslab, debug kernel), one per client run: only
# the client's own task and only kmalloc() are eligible (GFP_KERNEL
# included, no stack dumps), armed by the client itself after exec and
# the dynamic loader (WCFB_MAKE_IT_FAIL=1, userspace/wcfb_client.c), with
# times=1 and a budget of S bytes (space) that must be allocated before
# the failure, for S from 0 to 1 MB: it lands in the first ioctl of one
# run and deep in the driver's work in another, and each run is
# reproducible on its own (an interval would count across runs).  Whatever
# the clients
# report, the kernel must not complain (the harness fails on any oops,
# WARN, KASAN or DMA-API report), and afterwards the device works and
# every pool and PRIME count is back to its baseline (no leak on error
# paths).
FS=/sys/kernel/debug/failslab
[ -d $FS ] || { echo "no failslab in this kernel"; exit 77; }
modload vgem || { echo "cannot load vgem"; exit 1; }
base=$(buffer_counts)
# Only the kmalloc caches fail (cache-filter): kmemleak's own caches must
# not, or kmemleak loses track of objects, or switches itself off, and
# the lane's leak check with it.  The lane marks them on the kernel
# command line (slub_debug=A,kmalloc-*; the flag is read-only at run time).
# (arm64 has no kmalloc cache below 128 bytes: ARCH_DMA_MINALIGN.)
[ "$(cat /sys/kernel/slab/kmalloc-128/failslab 2>/dev/null)" = 1 ] ||
	{ echo "kmalloc caches not marked for failslab (slub_debug=A,kmalloc-*)"; exit 77; }
echo Y > $FS/cache-filter
echo 0 > $FS/verbose
echo N > $FS/ignore-gfp-wait
echo Y > $FS/task-filter
echo 100 > $FS/probability
failing() { WCFB_MAKE_IT_FAIL=1 "$@" > /dev/null 2>&1; }
at_base() { [ "$(buffer_counts)" = "$base" ]; }
ran=0 failed=0 injected=0
echo 1 > $FS/interval
for n in 0 300 1000 2500 5000 9000 15000 25000 40000 65000 100000 170000 300000 600000; do
	# No client that asks the host for screenshots: one failing between
	# its SHOT and the answer would leave the answer for the next reader.
	for c in "wcfb-blittest ops $n 20" "wcfb-blittest render" \
		 "wcfb-blittest sync $n" "wcfb-primetest cached $n" \
		 "wcfb-primetest vgemdst $n" "wcfb-primetest reexport" \
		 "wcfb-kmstest cycle 2"; do
		echo $n > $FS/space
		echo 1 > $FS/times
		# shellcheck disable=SC2086
		failing $c || failed=$((failed + 1))
		echo 0 > $FS/space
		ran=$((ran + 1))
		[ "$(cat $FS/times)" = 0 ] && injected=$((injected + 1))
		# Name the first run after which the counts stay off.
		# (Deferred frees may still be running: give them until the
		# limit to bring the counts back.)
		if [ -z "${first_leak:-}" ]; then
			wait_until 2 at_base || first_leak="$c (space $n)"
		fi
	done
done
echo 0 > $FS/probability
echo N > $FS/task-filter
ctl INJECTED failslab $injected
echo "$ran client runs, one allocation failing in $injected of them, $failed of them failed"
[ $injected -ge $((ran / 3)) ] || { echo "too few runs had a failure injected"; exit 1; }
# Deferred frees (fences, jobs) settle: wait for the counts to come back
# (a leak never does).
rc=0
wait_until 10 at_base || { echo "counts not back to baseline, first after: ${first_leak:-?}"; echo "$base"; echo "--"; buffer_counts; rc=1; }
wcfb-kmstest cycle 3 > /tmp/fs.log 2>&1 || { cat /tmp/fs.log; echo "display broken after failslab"; rc=1; }
wcfb-blittest ops 7 10 > /tmp/fs.log 2>&1 || { cat /tmp/fs.log; echo "blitter broken after failslab"; rc=1; }
rmmod vgem
exit $rc
