/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb fbdev emulation: the console on a cached shadow, flushed to the
 * write-combined scanout buffer by the blitter (wcfb_fbdev.c).
 */
#ifndef WCFB_FBDEV_H
#define WCFB_FBDEV_H

struct seq_file;
struct wcfb_device;

void wcfb_fbdev_setup(struct wcfb_device *wcfb, unsigned int preferred_bpp);
void wcfb_fbdev_stats_show(struct wcfb_device *wcfb, struct seq_file *m);

#endif /* WCFB_FBDEV_H */
