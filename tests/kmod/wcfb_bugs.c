// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb_bugs: commits exactly one deliberate bug when loaded, so that the
 * harness self-test can show that the debug kernel's checkers report it
 * and that the harness fails the test that caused it.
 *
 *   insmod wcfb_bugs.ko bug=kasan    a one-byte heap out-of-bounds write
 *   insmod wcfb_bugs.ko bug=lockdep  two mutexes taken in both orders
 *   insmod wcfb_bugs.ko bug=dmaapi   a streaming mapping unmapped with
 *                                    the wrong size
 *
 * Any other value (or none) refuses to load, so the module can never do
 * anything by accident.  Each bug is chosen to be harmless to the rest of
 * the boot: the write stays inside the slab slot, the locks are never
 * contended, the mapping is a plain dma-direct one.  Only for the
 * debug kernel (hw/qemu/debug-kernel.config); never loaded by a normal lane.
 */
#include <linux/compiler.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit at load: kasan, lockdep or dmaapi");

/*
 * KASAN (generic) tracks the requested size, not the slab slot: a 13-byte
 * object lives in a 16-byte slot, so writing byte 13 corrupts nothing
 * and is still reported as slab-out-of-bounds.
 */
static int bug_kasan(void)
{
	size_t n = 13;
	char *p;

	/*
	 * Hidden from the compiler, which would warn about the write (and
	 * could drop it): the store must really happen, instrumented.
	 */
	OPTIMIZER_HIDE_VAR(n);
	p = kmalloc(n, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p[n] = 1;
	kfree(p);
	return 0;
}

/*
 * A then B, later B then A: lockdep records the first order and reports
 * the second as a possible circular locking dependency.  Taken by one
 * thread, so nothing can deadlock.
 */
static DEFINE_MUTEX(bugs_lock_a);
static DEFINE_MUTEX(bugs_lock_b);

static int bug_lockdep(void)
{
	mutex_lock(&bugs_lock_a);
	mutex_lock(&bugs_lock_b);
	mutex_unlock(&bugs_lock_b);
	mutex_unlock(&bugs_lock_a);

	mutex_lock(&bugs_lock_b);
	mutex_lock(&bugs_lock_a);
	mutex_unlock(&bugs_lock_a);
	mutex_unlock(&bugs_lock_b);
	return 0;
}

/*
 * A device of our own with a 32-bit DMA mask, a 256-byte buffer mapped
 * DMA_TO_DEVICE and unmapped as 128 bytes: DMA-API debug reports "frees
 * DMA memory with different size" (and still removes its entry, so no
 * mapping is left behind).
 */
static int bug_dmaapi(void)
{
	struct platform_device *pdev;
	dma_addr_t addr;
	void *buf;
	int ret;

	pdev = platform_device_register_simple("wcfb_bugs", PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto out_dev;
	buf = kzalloc(256, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_dev;
	}
	addr = dma_map_single(&pdev->dev, buf, 256, DMA_TO_DEVICE);
	ret = dma_mapping_error(&pdev->dev, addr);
	if (!ret)
		dma_unmap_single(&pdev->dev, addr, 128, DMA_TO_DEVICE);
	kfree(buf);
out_dev:
	platform_device_unregister(pdev);
	return ret;
}

static int __init wcfb_bugs_init(void)
{
	int ret;

	if (!strcmp(bug, "kasan"))
		ret = bug_kasan();
	else if (!strcmp(bug, "lockdep"))
		ret = bug_lockdep();
	else if (!strcmp(bug, "dmaapi"))
		ret = bug_dmaapi();
	else
		return -EINVAL;
	if (ret)
		return ret;
	pr_info("wcfb_bugs: committed bug=%s\n", bug);
	return 0;
}

static void __exit wcfb_bugs_exit(void)
{
}

module_init(wcfb_bugs_init);
module_exit(wcfb_bugs_exit);
MODULE_DESCRIPTION("Deliberate bugs for the wcfb harness self-test");
MODULE_LICENSE("GPL");
