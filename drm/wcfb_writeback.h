/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb writeback: the frame on screen, written into a client's buffer by
 * the blitter.  See wcfb_writeback.c.
 */
#ifndef WCFB_WRITEBACK_H
#define WCFB_WRITEBACK_H

struct wcfb_device;

int wcfb_writeback_init(struct wcfb_device *wcfb);
void wcfb_writeback_run(struct wcfb_device *wcfb);

#endif /* WCFB_WRITEBACK_H */
