// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb: KMS on write-combined reserved memory, scanned out by QEMU's ramfb,
 * with the console on it.
 *
 * The platform driver for "wcfb,display": it takes the device's DMA
 * configuration and reserved pool from the device tree, then brings up the
 * scanout engine (wcfb_scanout.c), buffers (wcfb_gem.c), modesetting
 * (wcfb_kms.c), debugfs (wcfb_debugfs.c) and the fbdev emulation
 * (fbdev/wcfb_fbdev.c: the console on a cached shadow, flushed by the
 * blitter).
 */

#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem_dma_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "../include/uapi/drm/wcfb_drm.h"
#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"
#include "wcfb_fbdev.h"
#include "wcfb_scanout.h"

#define WCFB_DEFAULT_WIDTH	1024
#define WCFB_DEFAULT_HEIGHT	768

static char *preferred_mode;
module_param(preferred_mode, charp, 0444);
MODULE_PARM_DESC(preferred_mode,
		 "Preferred mode \"WIDTHxHEIGHT\", 16..4096 each; overrides the device tree's wcfb,preferred-mode (default 1024x768)");

DEFINE_DRM_GEM_DMA_FOPS(wcfb_fops);

/* Buffers and blits work on the render node; modesetting does not. */
static const struct drm_ioctl_desc wcfb_ioctls[] = {
	DRM_IOCTL_DEF_DRV(WCFB_GET_PARAM, wcfb_ioctl_get_param,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(WCFB_GEM_CREATE_CACHED, wcfb_ioctl_gem_create_cached,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(WCFB_GEM_MMAP_OFFSET, wcfb_ioctl_gem_mmap_offset,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(WCFB_GEM_CPU_PREP, wcfb_ioctl_gem_cpu_prep,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(WCFB_GEM_CPU_FINI, wcfb_ioctl_gem_cpu_fini,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(WCFB_BLIT, wcfb_ioctl_blit, DRM_RENDER_ALLOW),
};

static int wcfb_open(struct drm_device *drm, struct drm_file *file)
{
	return wcfb_job_open(to_wcfb_device(drm), file);
}

static void wcfb_postclose(struct drm_device *drm, struct drm_file *file)
{
	wcfb_job_postclose(file);
}

static const struct drm_driver wcfb_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC |
			   DRIVER_RENDER | DRIVER_SYNCOBJ,
	.ioctls = wcfb_ioctls,
	.num_ioctls = ARRAY_SIZE(wcfb_ioctls),
	.fops = &wcfb_fops,
	.open = wcfb_open,
	.postclose = wcfb_postclose,
	.dumb_create = wcfb_gem_dumb_create,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_mmap = drm_gem_prime_mmap,
	/* Made by the shmem helper only: cached buffers (wcfb_gem.h). */
	.gem_create_object = wcfb_gem_create_object,
	.gem_prime_import = wcfb_gem_prime_import,
	.debugfs_init = wcfb_debugfs_init,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.date = DRIVER_DATE,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static int wcfb_read_dma_bits(struct device *dev, u32 *bits)
{
	u32 val = 32;
	int ret;

	ret = of_property_read_u32(dev->of_node, "wcfb,dma-address-bits", &val);
	if (ret && ret != -EINVAL) {	/* -EINVAL: absent, use the default */
		dev_err(dev, "wcfb,dma-address-bits is malformed: %d\n", ret);
		return -EINVAL;
	}
	if (val < 32 || val > 64) {
		dev_err(dev, "wcfb,dma-address-bits = %u, must be 32..64\n", val);
		return -EINVAL;
	}
	*bits = val;
	return 0;
}

/*
 * Find the pool for accounting and checks: its place, its size and its
 * layout.  of_reserved_mem_device_init() does not tell, and quietly
 * succeeds for a disabled pool without attaching anything.
 */
static int wcfb_pool_lookup(struct wcfb_device *wcfb, u32 dma_bits)
{
	struct device *dev = wcfb->drm.dev;
	struct device_node *pool_np;
	struct reserved_mem *rmem;
	bool reusable;
	int ret = 0;

	pool_np = of_parse_phandle(dev->of_node, "memory-region", 0);
	if (!pool_np) {
		dev_warn(dev, "no memory-region: scanout buffers need a reserved pool\n");
		return -ENODEV;
	}
	if (!of_device_is_available(pool_np)) {
		dev_warn(dev, "pool %pOF is disabled\n", pool_np);
		ret = -ENODEV;
		goto out;
	}
	if (!of_device_is_compatible(pool_np, "shared-dma-pool")) {
		dev_warn(dev, "pool %pOF is not a shared-dma-pool\n", pool_np);
		ret = -EINVAL;
		goto out;
	}
	rmem = of_reserved_mem_lookup(pool_np);
	if (!rmem) {
		dev_warn(dev, "pool %pOF was not reserved at boot\n", pool_np);
		ret = -ENODEV;
		goto out;
	}

	wcfb->pool.nomap = of_property_read_bool(pool_np, "no-map");
	reusable = of_property_read_bool(pool_np, "reusable");
	if (wcfb->pool.nomap == reusable) {
		dev_warn(dev, "pool %pOF must be either reusable (CMA) or no-map\n",
			 pool_np);
		ret = -EINVAL;
		goto out;
	}
	wcfb->pool.base = rmem->base;
	wcfb->pool.size = rmem->size;

	/*
	 * A pool the device cannot address is not merely slow: dma-direct
	 * would reject every CMA page and fall back to the page allocator.
	 */
	if (!rmem->size ||
	    (u64)rmem->base + rmem->size - 1 > DMA_BIT_MASK(dma_bits)) {
		dev_warn(dev, "pool %pOF (%pa, %pa bytes) is beyond the %u-bit DMA range\n",
			 pool_np, &rmem->base, &rmem->size, dma_bits);
		ret = -EINVAL;
	}
out:
	of_node_put(pool_np);
	return ret;
}

/* Is a pool attached to @dev by anyone? */
static bool wcfb_pool_attached(struct device *dev)
{
#ifdef CONFIG_DMA_CMA
	if (dev->cma_area)
		return true;
#endif
#ifdef CONFIG_DMA_DECLARE_COHERENT
	if (dev->dma_mem)
		return true;
#endif
	return false;
}

/*
 * The pool's attachment to the device, shared by the instances bound to
 * it.  An instance lives on after its device was unbound for as long as
 * something holds it (an open file, an exported dma-buf, an open
 * /dev/fbN), and its buffers must be freed through the pool.  A new
 * instance may be bound meanwhile, as a hot rebind does (IGT's
 * core_hotunplug hotrebind): it shares the attachment, and the last
 * instance released detaches the pool.
 */
struct wcfb_pool_user {
	struct list_head node;
	struct device *dev;
	unsigned int instances;
};

static LIST_HEAD(wcfb_pool_users);
static DEFINE_MUTEX(wcfb_pool_users_lock);

static struct wcfb_pool_user *wcfb_pool_user_find(struct device *dev)
{
	struct wcfb_pool_user *u;

	list_for_each_entry(u, &wcfb_pool_users, node)
		if (u->dev == dev)
			return u;
	return NULL;
}

/*
 * Attach the device-tree pool to @dev for one more instance, or share
 * the attachment of an instance still alive.
 */
static int wcfb_pool_attach(struct device *dev)
{
	struct wcfb_pool_user *u;
	int ret = 0;

	mutex_lock(&wcfb_pool_users_lock);
	u = wcfb_pool_user_find(dev);
	if (u) {
		u->instances++;
		dev_info(dev, "sharing the pool with a previous instance still in use\n");
		goto out;
	}
	if (wcfb_pool_attached(dev)) {
		dev_warn(dev, "a DMA pool is already attached to the device by someone else\n");
		ret = -EBUSY;
		goto out;
	}
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u) {
		ret = -ENOMEM;
		goto out;
	}
	ret = of_reserved_mem_device_init(dev);
	if (ret) {
		dev_warn(dev, "cannot attach the reserved pool: %d\n", ret);
		kfree(u);
		goto out;
	}
	u->dev = dev;
	u->instances = 1;
	list_add(&u->node, &wcfb_pool_users);
out:
	mutex_unlock(&wcfb_pool_users_lock);
	return ret;
}

/*
 * Detach the pool from the device when the last instance using it goes.
 * This runs as a drm-managed action registered right after the pool was
 * attached, before anything is allocated from it, so it comes after every
 * free of the pool's buffers when the drm_device is released: on every
 * probe error path after the pool was attached (devres drops the
 * drm_device), and after removal once the last user is gone -- normally
 * right after .remove returns.  It must not run earlier: GEM objects can
 * outlive .remove (an open file, an exported dma-buf, an open /dev/fbN),
 * and dma_free_wc() on them with the pool detached would hand CMA pages
 * to the page allocator, or vunmap() part of a no-map carveout's mapping
 * and free pages that were never allocated.
 */
static void wcfb_release_reserved_mem(struct drm_device *drm, void *arg)
{
	struct device *dev = arg;
	struct wcfb_pool_user *u;

	mutex_lock(&wcfb_pool_users_lock);
	u = wcfb_pool_user_find(dev);
	if (WARN_ON(!u))
		goto out;
	if (--u->instances) {
		dev_info(dev, "an instance is released; %u still use the pool\n",
			 u->instances);
		goto out;
	}
	of_reserved_mem_device_release(dev);
	list_del(&u->node);
	kfree(u);
out:
	mutex_unlock(&wcfb_pool_users_lock);
}

static void wcfb_release_scanout(struct drm_device *drm, void *arg)
{
	wcfb_scanout_destroy(arg);
}

static int wcfb_parse_u32(const char **s, u32 *out)
{
	const char *p = *s;
	u32 v = 0;
	int digits = 0;

	while (*p >= '0' && *p <= '9') {
		if (++digits > 5)	/* nothing sensible has 6 digits */
			return -EINVAL;
		v = v * 10 + (u32)(*p - '0');
		p++;
	}
	if (!digits)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

/**
 * wcfb_parse_mode - parse "WIDTHxHEIGHT"
 * @s: the string, e.g. "1280x720" (an 'X' is accepted too, as is one
 *     trailing newline)
 * @width: result
 * @height: result
 *
 * Only the syntax is checked here (and that neither number is 0); whether
 * the size is usable is the caller's business.
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int wcfb_parse_mode(const char *s, u32 *width, u32 *height)
{
	u32 w, h;

	if (!s || wcfb_parse_u32(&s, &w))
		return -EINVAL;
	if (*s != 'x' && *s != 'X')
		return -EINVAL;
	s++;
	if (wcfb_parse_u32(&s, &h))
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s != '\0' || !w || !h)
		return -EINVAL;
	*width = w;
	*height = h;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_parse_mode);

static void wcfb_read_preferred_mode(struct wcfb_device *wcfb)
{
	struct device *dev = wcfb->drm.dev;
	u32 wh[2], w, h;
	int ret;

	wcfb->preferred_width = WCFB_DEFAULT_WIDTH;
	wcfb->preferred_height = WCFB_DEFAULT_HEIGHT;

	if (of_find_property(dev->of_node, "wcfb,preferred-mode", NULL)) {
		ret = of_property_read_u32_array(dev->of_node,
						 "wcfb,preferred-mode", wh, 2);
		if (ret || wcfb_check_dims(wh[0], wh[1]) != WCFB_OK) {
			dev_warn(dev, "wcfb,preferred-mode must be <width height>, 16..4096 each; ignored\n");
		} else {
			wcfb->preferred_width = wh[0];
			wcfb->preferred_height = wh[1];
			dev_info(dev, "preferred mode %ux%u (device tree)\n",
				 wh[0], wh[1]);
		}
	}

	if (preferred_mode) {
		if (wcfb_parse_mode(preferred_mode, &w, &h) ||
		    wcfb_check_dims(w, h) != WCFB_OK) {
			dev_warn(dev, "preferred_mode=\"%s\" is not WIDTHxHEIGHT with 16..4096 each; ignored\n",
				 preferred_mode);
		} else {
			wcfb->preferred_width = w;
			wcfb->preferred_height = h;
			dev_info(dev, "preferred mode %ux%u (module parameter)\n",
				 w, h);
		}
	}
}

static void wcfb_put_blitter(struct drm_device *drm, void *eng)
{
	wcfb_blitter_put(eng);
}

/*
 * The blitter named by wcfb,blitter: none (node absent or disabled) leaves
 * the display without blits; a node whose engine is not bound yet defers.
 */
static int wcfb_find_blitter(struct wcfb_device *wcfb)
{
	struct device *dev = wcfb->drm.dev;
	struct device_node *np;
	int ret;

	np = of_parse_phandle(dev->of_node, "wcfb,blitter", 0);
	if (!np) {
		dev_info(dev, "no wcfb,blitter: blits are unavailable\n");
		return 0;
	}
	if (!of_device_is_available(np)) {
		dev_info(dev, "blitter %pOF is disabled: blits are unavailable\n",
			 np);
		of_node_put(np);
		return 0;
	}
	ret = wcfb_blitter_lookup(dev, np, &wcfb->engine);
	if (ret)
		dev_err_probe(dev, ret, "blitter %pOF is not available\n", np);
	of_node_put(np);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&wcfb->drm, wcfb_put_blitter,
				       wcfb->engine);
	if (ret)
		return ret;
	return wcfb_job_init(wcfb);
}

static int wcfb_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct wcfb_window pool_window;
	struct device_node *engine_np;
	struct wcfb_device *wcfb;
	struct drm_device *drm;
	u32 dma_bits;
	int ret;

	wcfb = devm_drm_dev_alloc(dev, &wcfb_driver, struct wcfb_device, drm);
	if (IS_ERR(wcfb))
		return PTR_ERR(wcfb);
	drm = &wcfb->drm;
	platform_set_drvdata(pdev, drm);

	ret = wcfb_find_blitter(wcfb);
	if (ret)
		return ret;

	ret = wcfb_read_dma_bits(dev, &dma_bits);
	if (ret)
		return ret;
	/*
	 * Before attaching the pool: rmem_dma_device_init() checks the pool
	 * against the coherent mask, and dma-direct checks every CMA
	 * allocation against it.
	 */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(dma_bits));
	if (ret) {
		dev_warn(dev, "cannot use %u-bit DMA addressing: %d\n",
			 dma_bits, ret);
		return ret;
	}

	ret = wcfb_pool_lookup(wcfb, dma_bits);
	if (ret)
		return ret;
	ret = wcfb_pool_attach(dev);
	if (ret)
		return ret;
	/* From here on the pool is detached on every error path. */
	ret = drmm_add_action_or_reset(drm, wcfb_release_reserved_mem, dev);
	if (ret)
		return ret;

	ret = wcfb_pool_init(wcfb);
	if (ret)
		return ret;

	wcfb_read_preferred_mode(wcfb);

	/* Reserved memory is carved out of RAM: the engine can scan it. */
	pool_window.base = wcfb->pool.base;
	pool_window.size = wcfb->pool.size;
	engine_np = of_parse_phandle(dev->of_node, "wcfb,fw-cfg", 0);
	if (!engine_np) {
		dev_err(dev, "no wcfb,fw-cfg: cannot find the scanout engine\n");
		return -ENODEV;
	}
	ret = wcfb_scanout_init(dev, engine_np, &pool_window, &wcfb->scanout);
	of_node_put(engine_np);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(drm, wcfb_release_scanout,
				       wcfb->scanout);
	if (ret)
		return ret;

	ret = wcfb_kms_init(wcfb);
	if (ret)
		return ret;

	ret = drm_dev_register(drm, 0);
	if (ret)
		return ret;

	/*
	 * The pool's size and use at probe (the engine's pages; the console's
	 * buffer comes next).  Use and peak from then on: debugfs "pool".
	 */
	drm_info(drm, "%s pool at %pa, %llu MiB, %llu KiB in use (the engine's), preferred mode %ux%u\n",
		 wcfb->pool.nomap ? "no-map" : "CMA", &wcfb->pool.base,
		 wcfb->pool.size >> 20,
		 (wcfb->pool.size - wcfb_pool_available(wcfb)) >> 10,
		 wcfb->preferred_width, wcfb->preferred_height);

	wcfb_fbdev_setup(wcfb, 32);
	return 0;
}

static int wcfb_remove(struct platform_device *pdev)
{
	struct drm_device *drm = platform_get_drvdata(pdev);
	struct wcfb_device *wcfb = to_wcfb_device(drm);

	drm_dev_unplug(drm);
	/* Disables the CRTC, which parks the engine and stops the timer. */
	drm_atomic_helper_shutdown(drm);
	wcfb_kms_fini(wcfb);
	/*
	 * No driver memory may stay on screen: zero page, free the rest.
	 * Any later programming attempt fails with -ENODEV in the scanout
	 * code; that, rather than drm_dev_enter(), guards the engine.
	 */
	wcfb_scanout_retire(wcfb->scanout);
	/* The pool is detached with the drm_device, see above. */
	return 0;
}

static void wcfb_shutdown(struct platform_device *pdev)
{
	drm_atomic_helper_shutdown(platform_get_drvdata(pdev));
}

static const struct of_device_id wcfb_of_match[] = {
	{ .compatible = "wcfb,display" },
	{ }
};
MODULE_DEVICE_TABLE(of, wcfb_of_match);

static struct platform_driver wcfb_platform_driver = {
	.driver = {
		.name = DRIVER_NAME,
		.of_match_table = wcfb_of_match,
	},
	.probe = wcfb_probe,
	.remove = wcfb_remove,
	.shutdown = wcfb_shutdown,
};

/* The engine's PCI driver first: the display looks for a bound engine. */
static int __init wcfb_init(void)
{
	int ret;

	ret = pci_register_driver(&wcfb_blitter_pci_driver);
	if (ret)
		return ret;
	ret = platform_driver_register(&wcfb_platform_driver);
	if (ret)
		pci_unregister_driver(&wcfb_blitter_pci_driver);
	return ret;
}
module_init(wcfb_init);

static void __exit wcfb_exit(void)
{
	platform_driver_unregister(&wcfb_platform_driver);
	pci_unregister_driver(&wcfb_blitter_pci_driver);
}
module_exit(wcfb_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
