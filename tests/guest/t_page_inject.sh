# kernel: debug
# timeout: 180
# Page allocation failures (fail_page_alloc, debug kernel), one per client
# run: only the client's own task (task-filter; the clients' constructor
# sets /proc/self/make-it-fail when WCFB_MAKE_IT_FAIL=1), any order,
# GFP_KERNEL included, no stack dumps (verbose 0), times=1.  The flag is
# set after exec and the dynamic loader, not by a shell before exec: 6.1's
# ELF loader ignores a failure to zero the end of the .data page
# (elf_load(): padzero()), and the client starts with bytes of its file in
# its .bss variables (a kernel bug outside wcfb, seen as clients failing
# with every check passed).  Where the failure lands is set with "space":
# the run's first S pages are allocated, the next allocation fails.  (The
# interval counter t_slab_inject uses is never reset, so a run's depth
# would depend on every run before it; with space one output line is one
# reproducible run.)  Two passes of blit, PRIME and KMS clients:
#   kernel: ignore-gfp-highmem: the driver's and the kernel's own pages:
#           the pages CMA migrates out of the pool for dma_alloc_wc() (the
#           driver then refuses dma-direct's fallback pages, a log line),
#           page tables of mmap()s, sg tables, engine SG tables, DMA
#           mappings, vmalloc'ed blit arrays, PRIME attachments, slab pages;
#   user:   everything: also the shmem pages of cached GEM objects and of
#           vgem buffers, and the user pages a client faults in (those
#           failures are retried: the kernel says "Huh VM_FAULT_OOM leaked
#           out to the #PF handler").
# Then one mmap() of each kind of buffer with its first pages failing
# (wcfb-primetest mapfail).  The kernel must not complain (the harness
# fails on an oops, WARN, KASAN, DMA-API or kmemleak report); clients must
# see ENOMEM or EFAULT (a user page the kernel could not fault in during
# an ioctl), not another error code, no signal, no wrong pixels after a
# blit that succeeded; afterwards the device works and every pool and
# PRIME count is back to its baseline.  And failures must really have
# been injected: in most runs, with clients seeing ENOMEM from the driver.
FP=/sys/kernel/debug/fail_page_alloc
[ -d $FP ] || { echo "no fail_page_alloc in this kernel"; exit 77; }
modload vgem || { echo "cannot load vgem"; exit 1; }
base=$(buffer_counts)
echo 0 > $FP/verbose
echo N > $FP/ignore-gfp-wait
echo 0 > $FP/min-order
echo 1 > $FP/interval
echo Y > $FP/task-filter
echo 100 > $FP/probability
failing() { WCFB_MAKE_IT_FAIL=1 "$@" > /tmp/pi.log 2>&1; }
at_base() { [ "$(buffer_counts)" = "$base" ]; }
# Error codes no page allocation failure should turn into (strerror()
# texts, as the clients print them).
wrong_errors="Invalid argument|Input/output error|No such|busy|timed out|Timer expired"
wrong_errors="$wrong_errors|No space|Argument list|not permitted|Permission denied"
wrong_errors="$wrong_errors|Bad file|not supported|Interrupted|temporarily unavailable"
ran=0 injected=0 failed=0 enomem=0 silent=0 rc=0
for pass in kernel user; do
	if [ $pass = kernel ]; then
		echo Y > $FP/ignore-gfp-highmem
		depths="0 1 2 3 5 7 10 13 17 22 28 36 46"
	else
		echo N > $FP/ignore-gfp-highmem
		depths="4 12 30 70 150"
	fi
	for s in $depths; do
		# No client that asks the host for screenshots: one failing
		# between its SHOT and the answer would leave the answer for
		# the next reader.
		for c in "wcfb-blittest ops $s 4" "wcfb-blittest render" \
			 "wcfb-blittest sync $s" "wcfb-primetest cached $s" \
			 "wcfb-primetest vgemdst $s" "wcfb-primetest reexport" \
			 "wcfb-kmstest cycle 2"; do
			echo $s > $FP/space
			echo 1 > $FP/times
			# shellcheck disable=SC2086
			failing $c
			crc=$?
			echo 0 > $FP/space
			ran=$((ran + 1))
			what="$pass S=$s $c"
			# Name the first run after which the counts stay off.
			# (Deferred frees may still be running: give them until
			# the limit to bring the counts back.)
			if [ -z "${first_leak:-}" ] && ! at_base; then
				wait_until 2 at_base || first_leak="$what"
			fi
			[ "$(cat $FP/times)" = 0 ] || { echo "$what: allocated less, nothing failed"; continue; }
			injected=$((injected + 1))
			[ $crc = 0 ] && continue
			failed=$((failed + 1))
			grep -v -e '^ok -' -e '^# [0-9]* failure' /tmp/pi.log > /tmp/pi.err
			echo "$what: exit $crc: $(head -n 3 /tmp/pi.err | tr '\n' '|')"
			grep -q "^not ok.*(Cannot allocate memory" /tmp/pi.err && enomem=$((enomem + 1))
			grep -q "^not ok" /tmp/pi.err || silent=$((silent + 1))
			[ $crc -gt 128 ] && { echo "  killed by signal $((crc - 128))"; rc=1; }
			if grep -E "$wrong_errors" /tmp/pi.err; then
				echo "  a wrong error code for a failed page allocation"
				rc=1
			fi
			# primetest: "(Success, N bad)"; blittest: check_buf()
			# after a blit that returned 0.
			if grep -E "\(Success, [1-9][0-9]* bad\)|first difference at byte" /tmp/pi.err; then
				echo "  wrong pixels after a blit that succeeded"
				rc=1
			fi
		done
	done
done
# The sweep hits the mmap of a buffer only by chance (ASLR decides whether
# it needs a new page table): one mmap() with one of its first pages
# failing, for each kind of buffer and mapping.  (A failed mmap of a
# scanout buffer freed it under its handle: drm_gem_dma_mmap() of 6.1,
# see wcfb_bo_mmap().)
echo N > $FP/ignore-gfp-highmem
for kind in wc wcbuf cached cachedbuf; do
	n=0
	for s in 0 1 2 3 4 5; do
		echo $s > $FP/space
		echo 1 > $FP/times
		wcfb-primetest mapfail $kind > /tmp/pi.log 2>&1 ||
			{ cat /tmp/pi.log; echo "mapfail $kind, space $s: failed"; rc=1; }
		grep -q "mmap, a page allocation failing: Cannot allocate memory" /tmp/pi.log && n=$((n + 1))
		[ "$(cat $FP/times)" = 0 ] && injected=$((injected + 1))
	done
	echo 0 > $FP/space
	echo "mmap of $kind with one of its first 6 page allocations failing: ENOMEM $n of 6 times"
	[ $n -gt 0 ] || { echo "no mmap of $kind failed"; rc=1; }
done
echo 0 > $FP/probability
echo N > $FP/task-filter
ctl INJECTED fail_page_alloc $injected
echo "$ran client runs, one page allocation failing in $injected of them and the mmap runs (the others allocated less than S pages)"
echo "$failed of these failed, $enomem with ENOMEM from the driver, $silent without a \"not ok\" line"
echo "(the others retried or fell back: a user page fault, a slab page of a smaller order, vmalloc for kvmalloc)"
[ $injected -ge $((ran / 2)) ] || { echo "too few runs had a failure injected"; rc=1; }
[ $enomem -gt 0 ] || { echo "no injected failure reached the driver"; rc=1; }
# Deferred frees (fences, jobs) settle: wait for the counts to come back
# (a leak never does).
wait_until 10 at_base || { echo "counts not back to baseline, first after: ${first_leak:-?}"; echo "$base"; echo "--"; buffer_counts; rc=1; }
wcfb-kmstest cycle 3 > /tmp/pi.log 2>&1 || { cat /tmp/pi.log; echo "display broken after fail_page_alloc"; rc=1; }
wcfb-blittest ops 7 10 > /tmp/pi.log 2>&1 || { cat /tmp/pi.log; echo "blitter broken after fail_page_alloc"; rc=1; }
rmmod vgem
exit $rc
