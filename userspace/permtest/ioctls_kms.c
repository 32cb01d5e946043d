// SPDX-License-Identifier: MIT
/* wcfb-permtest: ioctls: the KMS reads (resources, properties,
 * blobs) and the display ioctls with their events (see ioctls.c). */
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "permtest.h"

struct prop {
	uint32_t id, flags;
	char name[DRM_PROP_NAME_LEN];
};
static struct prop props[256];
static int nprops;

static int limit_value(uint64_t v)
{
	static const uint64_t lim[] = {
		0, 1, INT32_MAX, UINT32_MAX, (uint64_t)(int64_t)INT32_MIN, INT64_MAX,
		(uint64_t)INT64_MIN, UINT64_MAX, DRM_MODE_OBJECT_CRTC,
		DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_ENCODER, DRM_MODE_OBJECT_MODE,
		DRM_MODE_OBJECT_PROPERTY, DRM_MODE_OBJECT_FB, DRM_MODE_OBJECT_BLOB,
		DRM_MODE_OBJECT_PLANE };
	size_t i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (v == lim[i])
			return 1;
	return 0;
}

static struct prop *get_prop(int fd, uint32_t id)
{
	struct drm_mode_get_property gp = { .prop_id = id }, c;
	struct drm_mode_property_enum *en = NULL;
	uint64_t *vals = NULL;
	char detail[64];
	struct prop *pr;
	uint32_t i, t;
	int k;

	for (k = 0; k < nprops; k++)
		if (props[k].id == id)
			return &props[k];
	if (nprops == 256 || call(fd, DRM_IOCTL_MODE_GETPROPERTY, &gp, "MODE_GETPROPERTY"))
		return NULL;
	vals = calloc(gp.count_values + 1, sizeof(*vals));
	en = calloc(gp.count_enum_blobs + 1, sizeof(*en));
	gp.values_ptr = (uintptr_t)vals;
	gp.enum_blob_ptr = (uintptr_t)en;
	if (call(fd, DRM_IOCTL_MODE_GETPROPERTY, &gp, "MODE_GETPROPERTY")) {
		free(vals);
		free(en);
		return NULL;
	}
	pr = &props[nprops++];
	pr->id = id;
	pr->flags = gp.flags;
	memcpy(pr->name, gp.name, sizeof(pr->name));
	pr->name[sizeof(pr->name) - 1] = 0;
	snprintf(detail, sizeof(detail), "%s", pr->name);
	c = gp;
	same_ptr("MODE_GETPROPERTY values", c.values_ptr, vals);
	same_ptr("MODE_GETPROPERTY enums", c.enum_blob_ptr, en);
	ZERO(c, values_ptr);
	ZERO(c, enum_blob_ptr);
	ZERO(c, name);
	RECORD("MODE_GETPROPERTY", detail, c);
	record_text("MODE_GETPROPERTY", detail, gp.name, sizeof(gp.name));
	/* A range's, signed range's or object's limits (INT_MAX, the object
	 * type...) are constants; anything else in the list is scanned. */
	t = gp.flags & DRM_MODE_PROP_EXTENDED_TYPE;
	if (gp.flags & DRM_MODE_PROP_RANGE || t == DRM_MODE_PROP_SIGNED_RANGE ||
	    t == DRM_MODE_PROP_OBJECT)
		for (i = 0; i < gp.count_values; i++)
			if (limit_value(vals[i]))
				vals[i] = 0;
	record("MODE_GETPROPERTY", detail, vals, gp.count_values * sizeof(*vals), REC_STRUCT);
	for (i = 0; i < gp.count_enum_blobs; i++) {
		record_text("MODE_GETPROPERTY", detail, en[i].name, sizeof(en[i].name));
		memset(en[i].name, 0, sizeof(en[i].name));
	}
	record("MODE_GETPROPERTY", detail, en, gp.count_enum_blobs * sizeof(*en), REC_STRUCT);
	free(vals);
	free(en);
	return pr;
}

void record_mode(const char *ioc, const char *detail, const struct drm_mode_modeinfo *m)
{
	struct drm_mode_modeinfo c = *m;

	record_text(ioc, detail, m->name, sizeof(m->name));
	ZERO(c, name);
	RECORD(ioc, detail, c);
}

static void get_blob(int fd, uint32_t id, const char *prop)
{
	struct drm_mode_get_blob gb = { .blob_id = id }, c;
	uint8_t *data;

	if (call(fd, DRM_IOCTL_MODE_GETPROPBLOB, &gb, "MODE_GETPROPBLOB"))
		return;
	data = calloc(1, gb.length + 1);
	gb.data = (uintptr_t)data;
	if (!call(fd, DRM_IOCTL_MODE_GETPROPBLOB, &gb, "MODE_GETPROPBLOB")) {
		c = gb;
		same_ptr("MODE_GETPROPBLOB", c.data, data);
		ZERO(c, data);
		RECORD("MODE_GETPROPBLOB", prop, c);
		if (gb.length == sizeof(struct drm_mode_modeinfo) &&
		    (!strcmp(prop, "MODE_ID") || !strcmp(prop, "created")))
			record_mode("MODE_GETPROPBLOB", prop, (void *)data);
		else
			record("MODE_GETPROPBLOB", prop, data, gb.length, REC_STRUCT);
	}
	free(data);
}

static void obj_props(int fd, uint32_t obj, uint32_t type, const char *what)
{
	struct drm_mode_obj_get_properties op = { .obj_id = obj, .obj_type = type }, c;
	uint32_t *ids, i;
	uint64_t *vals;

	if (call(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "MODE_OBJ_GETPROPERTIES"))
		return;
	ids = calloc(op.count_props + 1, sizeof(*ids));
	vals = calloc(op.count_props + 1, sizeof(*vals));
	op.props_ptr = (uintptr_t)ids;
	op.prop_values_ptr = (uintptr_t)vals;
	if (!call(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "MODE_OBJ_GETPROPERTIES")) {
		c = op;
		same_ptr("MODE_OBJ_GETPROPERTIES", c.props_ptr, ids);
		same_ptr("MODE_OBJ_GETPROPERTIES", c.prop_values_ptr, vals);
		ZERO(c, props_ptr);
		ZERO(c, prop_values_ptr);
		RECORD("MODE_OBJ_GETPROPERTIES", what, c);
		record("MODE_OBJ_GETPROPERTIES", what, ids, op.count_props * 4, REC_ARRAY32);
		record("MODE_OBJ_GETPROPERTIES", what, vals, op.count_props * 8, REC_STRUCT);
		for (i = 0; i < op.count_props; i++) {
			struct prop *pr = get_prop(fd, ids[i]);

			if (pr && pr->flags & DRM_MODE_PROP_BLOB && vals[i])
				get_blob(fd, vals[i], pr->name);
		}
	}
	free(ids);
	free(vals);
}

/* Read the events queued on FD (one read), scan them. */
int read_events(int fd, const char *ioc, uint64_t user_data, uint64_t t0)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[1024];
	ssize_t n, o;
	int nev = 0;

	if (poll(&pfd, 1, 3000) <= 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	for (o = 0; n > 0 && o + (ssize_t)sizeof(struct drm_event) <= n;) {
		struct drm_event *e = (void *)(buf + o);

		if (e->length < sizeof(*e) || (size_t)o + e->length > (size_t)n)
			break;
		if (e->type == DRM_EVENT_FLIP_COMPLETE || e->type == DRM_EVENT_VBLANK) {
			struct drm_event_vblank v;

			memcpy(&v, e, sizeof(v));
			if (v.user_data != user_data)
				wcfb_ok(0, "%s event: user_data 0x%llx, not ours", ioc,
					(unsigned long long)v.user_data);
			ZERO(v, user_data);
			RECORD(ioc, "event", v);
		} else if (e->type == DRM_EVENT_CRTC_SEQUENCE) {
			struct drm_event_crtc_sequence s;

			memcpy(&s, e, sizeof(s));
			if (s.user_data != user_data)
				wcfb_ok(0, "%s event: user_data not ours", ioc);
			check_stamp("CRTC_SEQUENCE event", s.time_ns, t0);
			ZERO(s, user_data);
			ZERO(s, time_ns);
			RECORD(ioc, "event", s);
		} else {
			record(ioc, "event", e, e->length, REC_STRUCT);
		}
		nev++;
		o += e->length;
	}
	return nev;
}

void kms_reads(int fd)
{
	struct drm_mode_card_res res = { 0 }, c;
	uint32_t *fbs, *crtcs, *conns, *encs, i, j;

	if (call(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "MODE_GETRESOURCES"))
		return;
	fbs = calloc(res.count_fbs + 1, 4);
	crtcs = calloc(res.count_crtcs + 1, 4);
	conns = calloc(res.count_connectors + 1, 4);
	encs = calloc(res.count_encoders + 1, 4);
	res.fb_id_ptr = (uintptr_t)fbs;
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	res.encoder_id_ptr = (uintptr_t)encs;
	if (call(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "MODE_GETRESOURCES"))
		return;
	c = res;
	same_ptr("MODE_GETRESOURCES", c.fb_id_ptr, fbs);
	same_ptr("MODE_GETRESOURCES", c.crtc_id_ptr, crtcs);
	same_ptr("MODE_GETRESOURCES", c.connector_id_ptr, conns);
	same_ptr("MODE_GETRESOURCES", c.encoder_id_ptr, encs);
	ZERO(c, fb_id_ptr);
	ZERO(c, crtc_id_ptr);
	ZERO(c, connector_id_ptr);
	ZERO(c, encoder_id_ptr);
	RECORD("MODE_GETRESOURCES", "", c);
	record("MODE_GETRESOURCES", "fbs", fbs, res.count_fbs * 4, REC_ARRAY32);
	record("MODE_GETRESOURCES", "crtcs", crtcs, res.count_crtcs * 4, REC_ARRAY32);
	record("MODE_GETRESOURCES", "connectors", conns, res.count_connectors * 4, REC_ARRAY32);
	record("MODE_GETRESOURCES", "encoders", encs, res.count_encoders * 4, REC_ARRAY32);

	for (i = 0; i < res.count_connectors; i++) {
		struct drm_mode_get_connector gc = { .connector_id = conns[i] }, cc;
		struct drm_mode_modeinfo *modes;
		uint32_t *ce, *cp;
		uint64_t *cv;

		if (call(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "MODE_GETCONNECTOR"))
			continue;
		modes = calloc(gc.count_modes + 1, sizeof(*modes));
		ce = calloc(gc.count_encoders + 1, 4);
		cp = calloc(gc.count_props + 1, 4);
		cv = calloc(gc.count_props + 1, 8);
		gc.modes_ptr = (uintptr_t)modes;
		gc.encoders_ptr = (uintptr_t)ce;
		gc.props_ptr = (uintptr_t)cp;
		gc.prop_values_ptr = (uintptr_t)cv;
		if (!call(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "MODE_GETCONNECTOR")) {
			cc = gc;
			same_ptr("MODE_GETCONNECTOR", cc.modes_ptr, modes);
			same_ptr("MODE_GETCONNECTOR", cc.encoders_ptr, ce);
			same_ptr("MODE_GETCONNECTOR", cc.props_ptr, cp);
			same_ptr("MODE_GETCONNECTOR", cc.prop_values_ptr, cv);
			ZERO(cc, modes_ptr);
			ZERO(cc, encoders_ptr);
			ZERO(cc, props_ptr);
			ZERO(cc, prop_values_ptr);
			RECORD("MODE_GETCONNECTOR", "", cc);
			for (j = 0; j < gc.count_modes; j++)
				record_mode("MODE_GETCONNECTOR", "mode", &modes[j]);
			record("MODE_GETCONNECTOR", "encoders", ce, gc.count_encoders * 4, REC_ARRAY32);
			record("MODE_GETCONNECTOR", "props", cp, gc.count_props * 4, REC_ARRAY32);
			record("MODE_GETCONNECTOR", "prop values", cv, gc.count_props * 8, REC_STRUCT);
		}
		free(modes);
		free(ce);
		free(cp);
		free(cv);
		obj_props(fd, conns[i], DRM_MODE_OBJECT_CONNECTOR, "connector");
	}
	for (i = 0; i < res.count_encoders; i++) {
		struct drm_mode_get_encoder ge = { .encoder_id = encs[i] };

		if (!call(fd, DRM_IOCTL_MODE_GETENCODER, &ge, "MODE_GETENCODER"))
			RECORD("MODE_GETENCODER", "", ge);
	}
	for (i = 0; i < res.count_crtcs; i++) {
		struct drm_mode_crtc gc = { .crtc_id = crtcs[i] };

		if (!call(fd, DRM_IOCTL_MODE_GETCRTC, &gc, "MODE_GETCRTC")) {
			record_mode("MODE_GETCRTC", "mode", &gc.mode);
			ZERO(gc, mode);
			RECORD("MODE_GETCRTC", "", gc);
		}
		obj_props(fd, crtcs[i], DRM_MODE_OBJECT_CRTC, "crtc");
	}
	{
		struct drm_mode_get_plane_res pr = { 0 };
		uint32_t *planes;

		if (!call(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr, "MODE_GETPLANERESOURCES")) {
			planes = calloc(pr.count_planes + 1, 4);
			pr.plane_id_ptr = (uintptr_t)planes;
			if (!call(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr, "MODE_GETPLANERESOURCES")) {
				same_ptr("MODE_GETPLANERESOURCES", pr.plane_id_ptr, planes);
				record("MODE_GETPLANERESOURCES", "planes", planes, pr.count_planes * 4, REC_ARRAY32);
				ZERO(pr, plane_id_ptr);
				RECORD("MODE_GETPLANERESOURCES", "", pr);
				for (j = 0; j < pr.count_planes; j++) {
					struct drm_mode_get_plane gp = { .plane_id = planes[j] };
					uint32_t *fmts;

					if (call(fd, DRM_IOCTL_MODE_GETPLANE, &gp, "MODE_GETPLANE"))
						continue;
					fmts = calloc(gp.count_format_types + 1, 4);
					gp.format_type_ptr = (uintptr_t)fmts;
					if (!call(fd, DRM_IOCTL_MODE_GETPLANE, &gp, "MODE_GETPLANE")) {
						same_ptr("MODE_GETPLANE", gp.format_type_ptr, fmts);
						record("MODE_GETPLANE", "formats", fmts,
						       gp.count_format_types * 4, REC_ARRAY32);
						ZERO(gp, format_type_ptr);
						RECORD("MODE_GETPLANE", "", gp);
					}
					free(fmts);
					obj_props(fd, planes[j], DRM_MODE_OBJECT_PLANE, "plane");
				}
			}
			free(planes);
		}
	}
	free(fbs);
	free(crtcs);
	free(conns);
	free(encs);
}

void display(struct wcfb_pipe *p, struct wcfb_buf *d1, struct wcfb_buf *d2)
{
	const drmModeModeInfo *mode = wcfb_find_mode(p, d1->width, d1->height);
	uint32_t conn = p->conn_id, blob = 0, fence_prop = 0;
	struct drm_mode_atomic ar;
	int32_t out_fence = -1;
	uint64_t t0 = mono_ns();
	struct atom a;
	int k, ret;

	if (!mode) {
		wcfb_ok(0, "ioctls: no %ux%u mode", d1->width, d1->height);
		return;
	}
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = d2->fb_id,
			.mode_valid = 1 };

		memcpy(&sc.mode, mode, sizeof(sc.mode));
		if (!call(p->fd, DRM_IOCTL_MODE_SETCRTC, &sc, "MODE_SETCRTC")) {
			same_ptr("MODE_SETCRTC", sc.set_connectors_ptr, &conn);
			ZERO(sc, set_connectors_ptr);
			record_mode("MODE_SETCRTC", "mode", &sc.mode);
			ZERO(sc, mode);
			RECORD("MODE_SETCRTC", "", sc);
		}
	}
	for (k = 0; k < nprops; k++)
		if (!strcmp(props[k].name, "OUT_FENCE_PTR"))
			fence_prop = props[k].id;
	if (mode_blob(p->fd, mode, &blob))
		return;
	get_blob(p->fd, blob, "created");
	atom_show(&a, p, blob, d1->fb_id, d1->width, d1->height);
	if (fence_prop)
		atom_add(&a, p->crtc_id, fence_prop, (uintptr_t)&out_fence);
	ret = atom_commit(p->fd, &a, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_PAGE_FLIP_EVENT,
			  0x1234abcd5678ull, &ar);
	if (!ret) {
		calls_ok++;
		same_ptr("MODE_ATOMIC", ar.objs_ptr, a.objs);
		same_ptr("MODE_ATOMIC", ar.count_props_ptr, a.counts);
		same_ptr("MODE_ATOMIC", ar.props_ptr, a.props);
		same_ptr("MODE_ATOMIC", ar.prop_values_ptr, a.vals);
		ZERO(ar, objs_ptr);
		ZERO(ar, count_props_ptr);
		ZERO(ar, props_ptr);
		ZERO(ar, prop_values_ptr);
		if (ar.user_data != 0x1234abcd5678ull)
			wcfb_ok(0, "MODE_ATOMIC: user_data changed");
		ZERO(ar, user_data);
		RECORD("MODE_ATOMIC", "", ar);
		if (fence_prop) {
			RECORD("MODE_ATOMIC", "OUT_FENCE_PTR", out_fence);
			wcfb_ok(out_fence >= 0, "ioctls: atomic commit gave an out-fence (%d)", out_fence);
		}
		wcfb_ok(read_events(p->fd, "MODE_ATOMIC", 0x1234abcd5678ull, t0) == 1,
			"ioctls: atomic commit's flip event");
		if (out_fence >= 0) {
			sync_file_info("out-fence", out_fence, t0);
			close(out_fence);
		}
	} else {
		calls_failed++;
		wcfb_ok(0, "ioctls: MODE_ATOMIC with valid arguments: %s", err(ret));
	}
	destroy_blob(p->fd, blob);
	{
		struct drm_mode_crtc_page_flip pf = { .crtc_id = p->crtc_id, .fb_id = d2->fb_id,
			.flags = DRM_MODE_PAGE_FLIP_EVENT, .user_data = 0x77 };

		if (!call(p->fd, DRM_IOCTL_MODE_PAGE_FLIP, &pf, "MODE_PAGE_FLIP")) {
			ZERO(pf, user_data);
			RECORD("MODE_PAGE_FLIP", "", pf);
			wcfb_ok(read_events(p->fd, "MODE_PAGE_FLIP", 0x77, t0) == 1,
				"ioctls: legacy page flip's event");
		}
	}
	{
		union drm_wait_vblank wv = { .request = { .type = (enum drm_vblank_seq_type)DRM_VBLANK_RELATIVE } };
		struct drm_crtc_get_sequence gs = { .crtc_id = p->crtc_id };
		struct drm_crtc_queue_sequence qs = { .crtc_id = p->crtc_id,
			.flags = DRM_CRTC_SEQUENCE_RELATIVE, .sequence = 1, .user_data = 0x99 };

		if (!call(p->fd, DRM_IOCTL_WAIT_VBLANK, &wv, "WAIT_VBLANK"))
			RECORD("WAIT_VBLANK", "", wv.reply);
		if (!call(p->fd, DRM_IOCTL_CRTC_GET_SEQUENCE, &gs, "CRTC_GET_SEQUENCE")) {
			check_stamp("CRTC_GET_SEQUENCE", gs.sequence_ns, t0);
			ZERO(gs, sequence_ns);
			RECORD("CRTC_GET_SEQUENCE", "", gs);
		}
		if (!call(p->fd, DRM_IOCTL_CRTC_QUEUE_SEQUENCE, &qs, "CRTC_QUEUE_SEQUENCE")) {
			ZERO(qs, user_data);
			RECORD("CRTC_QUEUE_SEQUENCE", "", qs);
			wcfb_ok(read_events(p->fd, "CRTC_QUEUE_SEQUENCE", 0x99, t0) == 1,
				"ioctls: queued sequence event");
		}
	}
	{
		struct drm_mode_list_lessees ll = { 0 };
		struct drm_mode_get_lease gl = { 0 };
		uint32_t objs[64];

		if (!call(p->fd, DRM_IOCTL_MODE_LIST_LESSEES, &ll, "MODE_LIST_LESSEES"))
			RECORD("MODE_LIST_LESSEES", "", ll);
		if (!call(p->fd, DRM_IOCTL_MODE_GET_LEASE, &gl, "MODE_GET_LEASE") &&
		    gl.count_objects <= 64) {
			gl.objects_ptr = (uintptr_t)objs;
			if (!call(p->fd, DRM_IOCTL_MODE_GET_LEASE, &gl, "MODE_GET_LEASE")) {
				same_ptr("MODE_GET_LEASE", gl.objects_ptr, objs);
				record("MODE_GET_LEASE", "objects", objs, gl.count_objects * 4, REC_ARRAY32);
				ZERO(gl, objects_ptr);
				RECORD("MODE_GET_LEASE", "", gl);
			}
		}
	}
}
