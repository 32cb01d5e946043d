/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel fixed-width type names for building drm/wcfb_logic.c on the host.
 * drm/wcfb_logic.h includes this when __KERNEL__ is not defined.
 */
#ifndef WCFB_HOST_TYPES_H
#define WCFB_HOST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#endif /* WCFB_HOST_TYPES_H */
