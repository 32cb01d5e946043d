# wcfb top-level Makefile.
#
#   make run     boot the demo guest (installs what it needs on first use)
#   make test    build everything and run the whole test suite (CI)
#   make check   every mission path once, no debug kernel (before a commit)
#   make bench   the benchmarks, 5 runs each: median, min, max
#   make test-debug   only the debug-kernel lane (KASAN, lockdep, ...)
#   make run CMD='./prog' SHARE=dir   run your arm64 program in the guest
#                (hw/qemu/wcfb-run; Documentation/running-your-programs.md)
#
# Everything downloaded or generated lives under .cache/ (git-ignored);
# test results go to out/ (see README.md).  The module builds natively too:
#   make -C drm KDIR=/lib/modules/$(uname -r)/build
CACHE   ?= $(CURDIR)/.cache
OUT     ?= $(CURDIR)/out
Q       ?= @

CROSS   := aarch64-linux-gnu-
KMAKE_ARCH := ARCH=arm64 CROSS_COMPILE=$(CROSS) CC=$(CROSS)gcc-12

# deps.sh installs host packages, fetches the Debian arm64 kernel and
# libraries and writes env.mk (KREL, KIMAGE, KDIR_ARM64, ARM64_ROOT...).
ifeq ($(filter clean distclean help,$(MAKECMDGOALS)),)
include $(CACHE)/env.mk
endif
$(CACHE)/env.mk: hw/qemu/deps.sh
	$(Q)hw/qemu/deps.sh $(CACHE)

KDIR ?= $(KDIR_ARM64)
KROOT := $(patsubst %/usr/src/linux-headers-$(KREL),%,$(KDIR_ARM64))

# ---------------------------------------------------------------- module
MODULE := drm/wcfb.ko
module: $(MODULE)
# Every source the module is built from: drm/, the console's fbdev/, the
# uapi header and the engine protocol's headers.
MODULE_SRCS := $(wildcard drm/*.c drm/*.h drm/Kbuild fbdev/*.c fbdev/*.h \
	include/uapi/drm/*.h hw/proto/*.h)
$(MODULE): $(MODULE_SRCS)
	@echo "[module] building wcfb.ko against $(KREL)"
	$(Q)$(MAKE) -s -C $(KDIR) M=$(CURDIR)/drm $(KMAKE_ARCH) W=1 modules

# ------------------------------------------------- VKMS, for comparison
# t_bench_compose compares wcfb's composition with VKMS's on the same
# kernel.  Debian's arm64 kernel has CONFIG_DRM_VKMS off, so vkms.ko is
# built out of tree from drivers/gpu/drm/vkms of the same linux-source-6.1,
# unchanged, against the same headers, in a directory of its own (Kbuild
# writes its objects next to the sources).  Its Kbuild is the source's
# Makefile with the config symbol set to m.  Only that directory is
# unpacked when the debug kernel's build has not unpacked the whole source.
LINUX_SRC_TAR := /usr/src/linux-source-6.1.tar.xz
VKMS_SRC := $(CACHE)/src/linux-source-6.1/drivers/gpu/drm/vkms
VKMS_DIR := $(CACHE)/vkms
VKMS_MODULE := $(VKMS_DIR)/vkms.ko
vkms: $(VKMS_MODULE)
$(VKMS_SRC)/Makefile:
	@echo "[vkms] unpacking drivers/gpu/drm/vkms from linux-source-6.1"
	$(Q)mkdir -p $(CACHE)/src
	$(Q)tar -C $(CACHE)/src -xf $(LINUX_SRC_TAR) linux-source-6.1/drivers/gpu/drm/vkms
$(VKMS_MODULE): $(VKMS_SRC)/Makefile
	@echo "[module] building vkms.ko (linux-source-6.1) against $(KREL)"
	$(Q)rm -rf $(VKMS_DIR) && mkdir -p $(VKMS_DIR)
	$(Q)cp -p $(VKMS_SRC)/*.c $(VKMS_SRC)/*.h $(VKMS_DIR)/
	$(Q)sed 's/^obj-$$(CONFIG_DRM_VKMS)/obj-m/' $< > $(VKMS_DIR)/Kbuild
	$(Q)grep -q '^obj-m += vkms.o' $(VKMS_DIR)/Kbuild
	$(Q)$(MAKE) -s -C $(KDIR) M=$(VKMS_DIR) $(KMAKE_ARCH) modules

# ----------------------------------------------------- arm64 userspace
UBUILD := userspace/build
ACC    := $(CROSS)gcc
ACFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude/uapi \
	-I$(ARM64_ROOT)/usr/include -I$(ARM64_ROOT)/usr/include/libdrm
ALDFLAGS := -L$(ARM64_ROOT)/usr/lib/aarch64-linux-gnu \
	-L$(ARM64_ROOT)/lib/aarch64-linux-gnu \
	-Wl,-rpath-link,$(ARM64_ROOT)/usr/lib/aarch64-linux-gnu \
	-Wl,-rpath-link,$(ARM64_ROOT)/lib/aarch64-linux-gnu
CLIENTS := $(UBUILD)/wcfb-kmstest $(UBUILD)/wcfb-blittest $(UBUILD)/wcfb-primetest \
	$(UBUILD)/wcfb-screenshot $(UBUILD)/wcfb-fuzz $(UBUILD)/wcfb-permtest \
	$(UBUILD)/wcfb-fbdevtest $(UBUILD)/wcfb-committest $(UBUILD)/wcfb-vblanktest \
	$(UBUILD)/wcfb-deptest $(UBUILD)/wcfb-planetest $(UBUILD)/wcfb-wbtest \
	$(UBUILD)/wcfb-compbench $(UBUILD)/wcfb-pointer
CLIENT_COMMON := userspace/wcfb_client.c
userspace: $(CLIENTS)
$(UBUILD)/wcfb-kmstest: userspace/wcfb-kmstest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
$(UBUILD)/wcfb-blittest: userspace/wcfb-blittest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# One file per subcommand and what they share (userspace/permtest/main.c).
$(UBUILD)/wcfb-permtest: $(wildcard userspace/permtest/*.c) $(CLIENT_COMMON) \
		$(wildcard userspace/*.h userspace/permtest/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $(filter %.c,$^) $(ALDFLAGS) -ldrm
# The ioctl fuzzer (tests/fuzz/) runs in the guest like the clients.
$(UBUILD)/wcfb-fuzz: tests/fuzz/wcfb-fuzz.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm

$(UBUILD)/wcfb-primetest: userspace/wcfb-primetest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
$(UBUILD)/wcfb-committest: userspace/wcfb-committest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
$(UBUILD)/wcfb-vblanktest: userspace/wcfb-vblanktest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# A uinput pointer for compositors (t_client_weston_cursor).
$(UBUILD)/wcfb-pointer: userspace/wcfb-pointer.c
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $<
$(UBUILD)/wcfb-fbdevtest: userspace/wcfb-fbdevtest.c
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(ALDFLAGS)
# Blits that wait for vgem fences on the scheduler, not in the ioctl.
$(UBUILD)/wcfb-deptest: userspace/wcfb-deptest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# Plane scenes and their CPU reference (t_planes, t_crc).
$(UBUILD)/wcfb-planetest: userspace/wcfb-planetest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# The writeback connector against the host's capture (t_writeback).
$(UBUILD)/wcfb-wbtest: userspace/wcfb-wbtest.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# The composition benchmark, on wcfb and on VKMS (t_bench_compose).
$(UBUILD)/wcfb-compbench: userspace/wcfb-compbench.c $(CLIENT_COMMON) $(wildcard userspace/*.h) include/uapi/drm/wcfb_drm.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -pthread -o $@ $< $(CLIENT_COMMON) $(ALDFLAGS) -ldrm
# libpng16 pulls in libz.so.1 itself (the arm64 root has no libz.so to -lz).
$(UBUILD)/wcfb-screenshot: userspace/wcfb-screenshot.c userspace/wcfb_rgbhash.h
	@mkdir -p $(UBUILD)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(ALDFLAGS) -ldrm -lpng16

# ---------------------------------------------------------- host tools
HBUILD := tests/tools/build
IMGCHECK := $(HBUILD)/wcfb-imgcheck
host-tools: $(IMGCHECK)
$(IMGCHECK): tests/tools/wcfb-imgcheck.c userspace/wcfb_pattern.h userspace/wcfb_rgbhash.h
	@mkdir -p $(HBUILD)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@ $< -lpng

# ------------------------------------------------------- device trees
QEMU_MACHINE = $(shell python3 -c 'import sys; sys.path.insert(0, "hw/qemu"); \
	import wcfb_qemu; print(" ".join(wcfb_qemu.machine_args()))')
DTBS := $(CACHE)/dtb/wcfb-cma.dtb $(CACHE)/dtb/wcfb-nomap.dtb
TEST_DTBS := $(CACHE)/dtb/wcfb-baddt.dtb $(CACHE)/dtb/wcfb-noblit.dtb
dtb: $(DTBS)
$(CACHE)/dtb/wcfb-%.dtb: dts/wcfb-pool-%.dtsi $(wildcard dts/*.dtsi) hw/qemu/mkdtb.sh hw/qemu/wcfb_qemu.py
	$(Q)hw/qemu/mkdtb.sh $@ $* $(CACHE)/dtb -- $(QEMU_MACHINE)
# Broken display nodes for the device-tree error lane.
$(CACHE)/dtb/wcfb-baddt.dtb: tests/dts/wcfb-bad-nodes.dtsi $(wildcard dts/*.dtsi) hw/qemu/mkdtb.sh hw/qemu/wcfb_qemu.py
	$(Q)hw/qemu/mkdtb.sh $@ cma $(CACHE)/dtb tests/dts/wcfb-bad-nodes.dtsi -- $(QEMU_MACHINE)
# The blitter node disabled, for the no-blitter lane.
$(CACHE)/dtb/wcfb-noblit.dtb: tests/dts/wcfb-no-blitter.dtsi $(wildcard dts/*.dtsi) hw/qemu/mkdtb.sh hw/qemu/wcfb_qemu.py
	$(Q)hw/qemu/mkdtb.sh $@ cma $(CACHE)/dtb tests/dts/wcfb-no-blitter.dtsi -- $(QEMU_MACHINE)

# ---------------------------------------------------------- initramfs
INITRAMFS := $(CACHE)/initramfs.cpio.gz
initramfs: $(INITRAMFS)
# vkms.ko rides along for t_bench_compose (modload vkms); no other test
# loads it.
$(INITRAMFS): $(MODULE) $(VKMS_MODULE) $(CLIENTS) $(wildcard tests/guest/*) hw/qemu/mkinitramfs.sh
	$(Q)EXTRA_KOS="$(VKMS_MODULE)" hw/qemu/mkinitramfs.sh $@ $(KROOT) $(KREL) $(ARM64_ROOT) $(MODULE) tests/guest $(CLIENTS)

# ------------------------------------------------- client root filesystem
# Mesa/kmscube, Weston, modetest from Debian arm64 packages (hw/qemu/mkrootfs.sh)
ROOTFS := $(CACHE)/rootfs
ROOTFS_STAMP := $(ROOTFS).ext4
rootfs: $(ROOTFS_STAMP)
$(ROOTFS_STAMP): hw/qemu/mkrootfs.sh $(CACHE)/env.mk
	$(Q)hw/qemu/mkrootfs.sh $(CACHE) $(ROOTFS)

# ------------------------------------------------------- debug kernel
# Debian's 6.1 source with KASAN, DMA-API debug, lockdep, kmemleak, fault
# injection and KUnit (hw/qemu/debug-kernel.config), wcfb.ko and the KUnit
# module wcfb_test.ko built against it, and their own initramfs: the
# "debug" lane.  The first build takes minutes; later runs are no-ops.
DEBUG_TOP := $(CACHE)/debug-kernel/current
DEBUG_STAMP := $(DEBUG_TOP)/.stamp
DEBUG_KIMAGE := $(DEBUG_TOP)/build/arch/arm64/boot/Image
DEBUG_KDIR := $(DEBUG_TOP)/build
DEBUG_KROOT := $(DEBUG_TOP)/root
debug-kernel: $(DEBUG_STAMP)
$(DEBUG_STAMP): hw/qemu/debug-kernel.config hw/qemu/mkdebugkernel.sh
	$(Q)hw/qemu/mkdebugkernel.sh $(CACHE)

# Kbuild builds an external module inside its source directory, so the
# debug build works on a copy of the sources (drm/, its tests/, and the
# headers it includes by relative path) and never mixes objects with the
# Debian build in drm/.
DEBUG_MOD := $(CACHE)/debug-module
DEBUG_MODULE := $(DEBUG_MOD)/drm/wcfb.ko
KUNIT_MODULE := $(DEBUG_MOD)/drm/tests/wcfb_test.ko
# Deliberate bugs (tests/kmod/) for the harness self-test's selftest-debug
# lane: they prove KASAN, lockdep and DMA-API debug report, and the
# harness fails on the report.  In the debug initramfs, loaded by no test
# of a normal lane.
BUGS_MODULE := $(DEBUG_MOD)/kmod/wcfb_bugs.ko
debug-module: $(DEBUG_MODULE) $(KUNIT_MODULE) $(BUGS_MODULE)
$(DEBUG_MODULE): $(DEBUG_STAMP) $(MODULE_SRCS)
	@echo "[module] building wcfb.ko against the debug kernel"
	$(Q)mkdir -p $(DEBUG_MOD)/drm $(DEBUG_MOD)/fbdev $(DEBUG_MOD)/include/uapi/drm $(DEBUG_MOD)/hw/proto
	$(Q)rm -f $(DEBUG_MOD)/drm/wcfb_fbdev.[ch]
	$(Q)cp -p drm/*.c drm/*.h drm/Kbuild $(DEBUG_MOD)/drm/
	$(Q)cp -p fbdev/*.c fbdev/*.h $(DEBUG_MOD)/fbdev/
	$(Q)cp -p include/uapi/drm/*.h $(DEBUG_MOD)/include/uapi/drm/
	$(Q)cp -p hw/proto/*.h $(DEBUG_MOD)/hw/proto/
	$(Q)$(MAKE) -s -C $(DEBUG_KDIR) M=$(DEBUG_MOD)/drm $(KMAKE_ARCH) W=1 modules
$(KUNIT_MODULE): $(DEBUG_MODULE) $(wildcard drm/tests/*.c drm/tests/Kbuild)
	@echo "[module] building wcfb_test.ko (KUnit) against the debug kernel"
	$(Q)mkdir -p $(DEBUG_MOD)/drm/tests
	$(Q)cp -p drm/tests/*.c drm/tests/Kbuild $(DEBUG_MOD)/drm/tests/
	$(Q)$(MAKE) -s -C $(DEBUG_KDIR) M=$(DEBUG_MOD)/drm/tests $(KMAKE_ARCH) W=1 \
		KBUILD_EXTRA_SYMBOLS=$(DEBUG_MOD)/drm/Module.symvers modules
$(BUGS_MODULE): $(DEBUG_STAMP) $(wildcard tests/kmod/*.c tests/kmod/Kbuild)
	@echo "[module] building wcfb_bugs.ko (deliberate bugs) against the debug kernel"
	$(Q)mkdir -p $(DEBUG_MOD)/kmod
	$(Q)cp -p tests/kmod/*.c tests/kmod/Kbuild $(DEBUG_MOD)/kmod/
	$(Q)$(MAKE) -s -C $(DEBUG_KDIR) M=$(DEBUG_MOD)/kmod $(KMAKE_ARCH) W=1 modules

DEBUG_INITRAMFS := $(CACHE)/initramfs-debug.cpio.gz
$(DEBUG_INITRAMFS): $(DEBUG_MODULE) $(KUNIT_MODULE) $(BUGS_MODULE) $(CLIENTS) $(wildcard tests/guest/*) hw/qemu/mkinitramfs.sh
	$(Q)EXTRA_KOS="$(KUNIT_MODULE) $(BUGS_MODULE)" hw/qemu/mkinitramfs.sh $@ $(DEBUG_KROOT) \
		$$(cat $(DEBUG_TOP)/kernelrelease) $(ARM64_ROOT) $(DEBUG_MODULE) tests/guest $(CLIENTS)

# The debug lane: the whole guest suite on the cma layout, plus KUnit and
# a final kmemleak scan; timeouts x4, the fuzzer at a tenth of its calls,
# 5 reloads,
# the kmalloc caches open to failslab (t_slab_inject), kmemleak's not.
DEBUG_LANE := --lane debug:$(CACHE)/dtb/wcfb-cma.dtb:"@kernel=debug @slow=4 slub_debug=A,kmalloc-* \
	wcfb_fuzz_div=10 wcfb_fuzz_seed=3 wcfb_reloads=5 wcfb_flip_modes=640x480,1920x1080"
DEBUG_ARGS := --debug-kernel $(DEBUG_KIMAGE) --debug-initrd $(DEBUG_INITRAMFS)
DEBUG_DEPS := $(DEBUG_INITRAMFS) $(DEBUG_STAMP)

# ------------------------------------------------------------- tests
ENGINE_TEST_CMD := $(MAKE) -s -C tests/engine check
HARNESS_TEST_CMD := python3 tests/harness/selftest.py --kernel $(KIMAGE) \
	--initrd $(INITRAMFS) --dtb $(CACHE)/dtb/wcfb-cma.dtb --imgcheck $(IMGCHECK) \
	--debug-kernel $(DEBUG_KIMAGE) --debug-initrd $(DEBUG_INITRAMFS)
# 9p by measurement: kmscube start-up 2.25 s over 9p vs 2.35 s from the ext4
# image (same tree), and 9p needs no image rebuild.  CLIENT_ROOTFS=ext4 works too.
CLIENT_ROOTFS ?= 9p
# The lanes of `make test`.  Work is repeated only where a lane's variable
# matters: cma runs every test with the full counts (120 k fuzz calls, 100
# reloads, every mode x format); nomap runs what the pool layout changes
# (allocation, mappings, exports, the console's buffer, dumb limits, the black
# buffer of a CRTC without its plane, a rebind while the old instance
# lives), swiotlb what bounce buffering changes (every streaming map and
# its syncs); they and the debug lane fuzz a tenth of the calls with seeds
# of their own and reload 10 times.
DTB_CMA := $(CACHE)/dtb/wcfb-cma.dtb
DTB_NOMAP := $(CACHE)/dtb/wcfb-nomap.dtb
QUICK := wcfb_fuzz_div=10 wcfb_reloads=10 wcfb_flip_modes=640x480,1920x1080
NOMAP_TESTS := boot,pool,modes,kms_flip,kms_modeseq,kms_badinput,fbcon,fbcon_accel,fbdev_eof,dumb_limits,commit_noprimary,$\
	blit,blit_flip,prime,prime_life,prime_shot,rebind_open,reload,fuzz
SWIOTLB_TESTS := boot,blit,blit_sync,blit_flip,blit_fault,blit_render,blit_badinput,$\
	prime,prime_life,prime_shot,fbcon_accel,engine_death
LANES := --lane cma:$(DTB_CMA):"wcfb_fuzz_seed=1" \
	--lane nomap:$(DTB_NOMAP):"$(QUICK) wcfb_fuzz_seed=2 @only=$(NOMAP_TESTS)" \
	--lane swiotlb:$(DTB_CMA):"swiotlb=force $(QUICK) @only=$(SWIOTLB_TESTS)" \
	--lane baddt:$(CACHE)/dtb/wcfb-baddt.dtb \
	--lane noblit:$(CACHE)/dtb/wcfb-noblit.dtb:@noengine \
	--lane clients:$(DTB_CMA):@rootfs=$(CLIENT_ROOTFS)
TESTS ?=
# `make test` and `make check` run up to JOBS lanes and host suites at the
# same time, the longest (the debug lane) first; a lane's time is mostly
# the guest waiting (vblank-paced flips, timers).  Results, .tap files and
# bench.json as in a serial run (JOBS=1: one after another, as before).
JOBS ?= 2
ENGINE := hw/engine/build/wcfb-engine
$(ENGINE): $(wildcard hw/engine/*.c hw/engine/*.h hw/proto/*.h)
	$(Q)$(MAKE) -s -C hw/engine
engine: $(ENGINE)

TEST_DEPS := $(INITRAMFS) $(DTBS) $(TEST_DTBS) $(IMGCHECK) $(ENGINE) $(ROOTFS_STAMP)

# Only the debug lane (make test runs it too, last; see DEBUG_LANE).
test-debug: $(TEST_DEPS) $(DEBUG_DEPS)
	$(Q)python3 tests/harness/run_tests.py --kernel $(KIMAGE) --initrd $(INITRAMFS) \
		--imgcheck $(IMGCHECK) --engine $(ENGINE) --rootfs $(ROOTFS) --out $(OUT)/debug \
		$(DEBUG_ARGS) $(DEBUG_LANE) $(if $(TESTS),--tests $(TESTS))
# TESTS=a,b runs only those guest tests (and no host suite); LANE=x,y only
# those lanes; LOAD=N keeps N host cores busy for the run (a bounded busy
# loop per core: the "slower, busier machine" the suite must pass on).
HARNESS_OPTS = $(if $(TESTS),--tests $(TESTS)) $(if $(LANE),--only-lanes $(LANE)) \
	$(if $(LOAD),--load $(LOAD))
PROTOCOL_TEST_CMD := python3 tests/harness/selftest_protocol.py
# dkms.conf's build as a board would run it, against the arm64 headers;
# its module's modinfo must be make's.
DKMS_TEST_CMD := sh tests/dkms/check.sh $(KDIR) $(KREL) $(MODULE)
HOST_SUITES = $(if $(TESTS),,--host "engine=$(ENGINE_TEST_CMD)" \
	--host "protocol=$(PROTOCOL_TEST_CMD)" --host "harness=$(HARNESS_TEST_CMD)" \
	--host "dkms=$(DKMS_TEST_CMD)" --host "runner=$(RUNNER_TEST_CMD)")
test: $(TEST_DEPS) $(DEBUG_DEPS)
	$(Q)python3 tests/harness/run_tests.py --kernel $(KIMAGE) --initrd $(INITRAMFS) \
		--imgcheck $(IMGCHECK) --engine $(ENGINE) --rootfs $(ROOTFS) --out $(OUT) \
		$(HOST_SUITES) $(DEBUG_ARGS) --jobs $(JOBS) \
		$(LANES) $(DEBUG_LANE) $(HARNESS_OPTS)

# `make check`: every mission path once (both pool layouts, flips, the
# console, blits with bouncing, PRIME, one client, a short fuzz), the
# `# tier: check` tests; no debug kernel.  Before you commit.
CHECK_LANES := --lane cma:$(DTB_CMA):"wcfb_fuzz_div=20 wcfb_fuzz_seed=4 wcfb_flip_modes=1024x768,1920x1080" \
	--lane nomap:$(DTB_NOMAP):"wcfb_flip_modes=1920x1080 @only=boot,pool,kms_flip,fbcon,blit,prime" \
	--lane swiotlb:$(DTB_CMA):"swiotlb=force @only=blit,blit_sync,prime" \
	--lane clients:$(DTB_CMA):"@rootfs=$(CLIENT_ROOTFS) @only=client_modetest"
check: $(TEST_DEPS)
	$(Q)python3 tests/harness/run_tests.py --tier check --kernel $(KIMAGE) \
		--initrd $(INITRAMFS) --imgcheck $(IMGCHECK) --engine $(ENGINE) \
		--rootfs $(ROOTFS) --out $(OUT)/check --jobs $(JOBS) \
		$(if $(TESTS),,--host "engine=$(ENGINE_TEST_CMD)" \
		--host "protocol=$(PROTOCOL_TEST_CMD)") $(CHECK_LANES) $(HARNESS_OPTS)

# `make bench`: only the benchmarks (`# tier: bench`), each 5 times in one
# boot per layout; out/bench/bench.json has every figure's median, min and
# max, and what the figures depend on (host CPU, QEMU, commit, load).
BENCH_REPEAT ?= 5
bench: $(TEST_DEPS)
	$(Q)python3 tests/harness/run_tests.py --tier bench --repeat $(BENCH_REPEAT) \
		--kernel $(KIMAGE) --initrd $(INITRAMFS) --imgcheck $(IMGCHECK) \
		--engine $(ENGINE) --rootfs $(ROOTFS) --out $(OUT)/bench \
		--lane cma:$(DTB_CMA) --lane nomap:$(DTB_NOMAP) $(HARNESS_OPTS)

# Refresh every golden image (tests/golden/: the client scenarios' and the
# scrolled console's) from fresh captures; review them with git diff before
# committing.  The only way a golden changes: the harness passes --update
# to wcfb-imgcheck for --update-golden alone.
GOLDEN_TESTS := client_modetest,fbcon_accel
golden: $(TEST_DEPS)
	$(Q)python3 tests/harness/run_tests.py --kernel $(KIMAGE) \
		--initrd $(INITRAMFS) --imgcheck $(IMGCHECK) --engine $(ENGINE) \
		--rootfs $(ROOTFS) --out $(OUT)/golden --update-golden \
		--tests $(GOLDEN_TESTS) --lane cma:$(CACHE)/dtb/wcfb-cma.dtb \
		--lane clients:$(CACHE)/dtb/wcfb-cma.dtb:@rootfs=$(CLIENT_ROOTFS)

# ------------------------------------------------- your own programs
# hw/qemu/wcfb-run boots the guest with a host directory shared at /work
# and runs one command there (Documentation/running-your-programs.md);
# `make run-deps` builds what it needs, `make run CMD=...` runs it:
#   make run CMD='./myprog --frames 10' SHARE=path/to/arm64/build \
#        [GOLDEN=dir [UPDATE=1]] [TIMEOUT=300] [LAYOUT=nomap]
# (captures and logs in $(OUT)/run; CMD is passed as written: make does
# not expand its $VARIABLES, the guest's shell does).  Its self-test
# draws a pattern with the tiny libdrm program tests/runner/wcfb-pattern.c.
RUNNER := hw/qemu/wcfb-run
RUNNER_DEPS := $(INITRAMFS) $(DTBS) $(ENGINE) $(IMGCHECK) $(ROOTFS_STAMP)
SHARE ?= .
TIMEOUT ?= 300
RUNNER_ARGS = --out $(OUT)/run --timeout $(TIMEOUT) --layout $(LAYOUT) \
	$(if $(GOLDEN),--golden $(GOLDEN)) $(if $(UPDATE),--update)
run-deps: $(RUNNER_DEPS)
RUNNER_PROG := $(UBUILD)/wcfb-pattern
$(RUNNER_PROG): tests/runner/wcfb-pattern.c userspace/wcfb_pattern.h
	@mkdir -p $(@D)
	$(Q)$(ACC) $(ACFLAGS) -o $@ $< $(ALDFLAGS) -ldrm
RUNNER_TEST_CMD := $(MAKE) -s $(RUNNER_PROG) && \
	python3 tests/runner/selftest_runner.py --prog $(RUNNER_PROG) --imgcheck $(IMGCHECK)
# The runner's self-test alone (it is a host suite of `make test`).
test-runner: $(RUNNER_DEPS) $(RUNNER_PROG)
	$(Q)python3 tests/runner/selftest_runner.py --prog $(RUNNER_PROG) --imgcheck $(IMGCHECK)

# -------------------------------------------------------------- demo
LAYOUT ?= cma
DEMO ?= console
# CMD=...: your program instead of the demo (hw/qemu/wcfb-run, above).
run: $(INITRAMFS) $(DTBS) $(ENGINE) $(if $(filter console,$(DEMO)),,$(ROOTFS_STAMP)) $(if $(value CMD),$(RUNNER_DEPS))
	$(Q)$(if $(value CMD),$(RUNNER) $(RUNNER_ARGS) $(SHARE) '$(subst ','\'',$(value CMD))',python3 hw/qemu/demo.py --kernel $(KIMAGE) --initrd $(INITRAMFS) \
		--dtb $(CACHE)/dtb/wcfb-$(LAYOUT).dtb --engine $(ENGINE) \
		--rootfs $(ROOTFS) --demo $(DEMO) --out $(OUT)/demo)

# checkpatch.pl from Debian's linux-source-6.1 (only its scripts/ unpacked).
CHECKPATCH := $(CACHE)/src/linux-source-6.1/scripts/checkpatch.pl
$(CHECKPATCH):
	@echo "[checkpatch] unpacking scripts/ from linux-source-6.1"
	$(Q)mkdir -p $(CACHE)/src
	$(Q)tar -C $(CACHE)/src -xf /usr/src/linux-source-6.1.tar.xz linux-source-6.1/scripts
checkpatch: $(CHECKPATCH)
	$(Q)perl $(CHECKPATCH) --no-tree --strict --terse -f drm/wcfb_*.[ch] \
		drm/tests/*.c include/uapi/drm/*.h fbdev/*.c fbdev/*.h && echo "checkpatch --strict: clean"

clean:
	$(Q)rm -rf $(UBUILD) $(HBUILD) $(OUT)
	$(Q)rm -f drm/*.o drm/*.ko drm/*.mod drm/*.mod.c drm/.*.cmd drm/modules.order drm/Module.symvers
	$(Q)rm -f $(INITRAMFS) $(DTBS) $(DEBUG_INITRAMFS)
	$(Q)rm -rf $(DEBUG_MOD) $(VKMS_DIR)

distclean: clean
	$(Q)rm -rf $(CACHE)

help:
	@sed -n '1,13p' Makefile

.PHONY: vkms run-deps test-runner check bench debug-kernel debug-module test-debug golden rootfs engine module userspace host-tools dtb initramfs test run checkpatch clean distclean help
