/*
 * Bounds the MBI walker and head32.S agree on.
 */
#ifndef RELBOOT_MBI_LIMITS_H
#define RELBOOT_MBI_LIMITS_H

#include <relboot/spec/macros.h>

/* Largest MBI accepted (bytes).  GRUB's are a few KiB; anything near this is corrupt. */
#define MBI_MAX_SIZE  UINT32(0x100000)

#endif
