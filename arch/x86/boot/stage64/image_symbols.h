/*
 * Symbols of the image that the 64-bit stage reads: the linker script's
 * boundaries and the page tables of pagetables.S.  Their addresses are
 * higher-half virtual addresses (layout.h); only the 64-bit stage may use
 * them, and the page tables (from __pagetables_start on) are not mapped
 * there: read them at load base + offset, through the identity map.
 */
#ifndef RELBOOT_IMAGE_SYMBOLS_H
#define RELBOOT_IMAGE_SYMBOLS_H

#include <cstdint>
#include "boot_state.h"
#include "layout.h"

extern "C" {
extern const char __image_start[];   /* first byte (the multiboot2 header) */
extern const char __text_end[];      /* end of text, 4 KiB aligned */
extern const char __rodata_end[];    /* end of read-only data, 4 KiB aligned */
extern const char __pagetables_start[]; /* the boot page tables: last, not in the higher-half map */
extern const char __image_end[];     /* end of the image, 4 KiB aligned */
extern uint64_t pml4[512];
extern uint64_t pdpt_ident[512];
extern uint64_t pd_ident[];          /* IDENTITY_PD_COUNT tables */
extern uint64_t pt_ident_low[512];   /* the first 2 MiB in 4 KiB pages */
extern uint64_t pdpt_high[512];
extern uint64_t pd_high[512];
extern uint64_t pt_image[];          /* IMAGE_PT_COUNT tables */
extern const char relboot_entry64[];
extern relboot::BootState boot_state;
extern relboot::BootTables boot_tables;   /* in .boot_tables: use its physical address (image_phys) */
}

/* The physical address of an image object, from its higher-half address. */
inline relboot::PhysAddr image_phys(const relboot::BootState& bs, const void* va)
{
    return bs.load_base + (reinterpret_cast<uint64_t>(va) - IMAGE_VIRT_START);
}

#endif
