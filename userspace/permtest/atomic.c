// SPDX-License-Identifier: MIT
/* wcfb-permtest: atomic requests built by hand (DRM_IOCTL_MODE_ATOMIC),
 * for the handles and ioctls subcommands. */
#include <string.h>

#include "permtest.h"

void atom_add(struct atom *a, uint32_t obj, uint32_t prop, uint64_t val)
{
	if (!a->nobj || a->objs[a->nobj - 1] != obj) {
		a->objs[a->nobj] = obj;
		a->counts[a->nobj++] = 0;
	}
	a->counts[a->nobj - 1]++;
	a->props[a->nprop] = prop;
	a->vals[a->nprop++] = val;
}

/* The plane showing FB (W x H) on the pipe's CRTC with MODE_BLOB. */
void atom_show(struct atom *a, const struct wcfb_pipe *p, uint32_t blob,
	       uint32_t fb, uint32_t w, uint32_t h)
{
	memset(a, 0, sizeof(*a));
	atom_add(a, p->conn_id, p->conn_crtc_id, p->crtc_id);
	atom_add(a, p->crtc_id, p->crtc_mode_id, blob);
	atom_add(a, p->crtc_id, p->crtc_active, 1);
	atom_add(a, p->plane_id, p->plane_fb_id, fb);
	atom_add(a, p->plane_id, p->plane_crtc_id, p->crtc_id);
	atom_add(a, p->plane_id, p->plane_src_x, 0);
	atom_add(a, p->plane_id, p->plane_src_y, 0);
	atom_add(a, p->plane_id, p->plane_src_w, (uint64_t)w << 16);
	atom_add(a, p->plane_id, p->plane_src_h, (uint64_t)h << 16);
	atom_add(a, p->plane_id, p->plane_crtc_x, 0);
	atom_add(a, p->plane_id, p->plane_crtc_y, 0);
	atom_add(a, p->plane_id, p->plane_crtc_w, w);
	atom_add(a, p->plane_id, p->plane_crtc_h, h);
}

int atom_commit(int fd, struct atom *a, uint32_t flags, uint64_t user_data,
		struct drm_mode_atomic *out)
{
	struct drm_mode_atomic r = {
		.flags = flags, .count_objs = a->nobj,
		.objs_ptr = (uintptr_t)a->objs, .count_props_ptr = (uintptr_t)a->counts,
		.props_ptr = (uintptr_t)a->props, .prop_values_ptr = (uintptr_t)a->vals,
		.user_data = user_data };
	int ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_ATOMIC, &r);

	if (out)
		*out = r;
	return ret;
}

int mode_blob(int fd, const drmModeModeInfo *mode, uint32_t *id)
{
	struct drm_mode_create_blob c = { .data = (uintptr_t)mode, .length = sizeof(*mode) };
	int ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &c);

	if (!ret) {
		same_ptr("MODE_CREATEPROPBLOB", c.data, mode);
		ZERO(c, data);
		RECORD("MODE_CREATEPROPBLOB", "", c);
		*id = c.blob_id;
	}
	return ret;
}

void destroy_blob(int fd, uint32_t id)
{
	struct drm_mode_destroy_blob d = { .blob_id = id };

	wcfb_ioctl(fd, DRM_IOCTL_MODE_DESTROYPROPBLOB, &d);
}
