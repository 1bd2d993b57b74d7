/*
 * The boot page tables (Intel SDM Vol. 3A, 4.5) and image_layout, the
 * list of their entries that hold image addresses.
 *
 *   pml4[0]    -> pdpt_ident[0..3] -> pd_ident[0..3]: 2047 x 2 MiB pages
 *                 and, for the first 2 MiB, pt_ident_low (4 KiB pages):
 *                 identity map of 0..4 GiB (the MBI, modules, devices and
 *                 the image itself during the switch to long mode);
 *   pml4[PML4_HIGH_INDEX] -> pdpt_high[PDPT_HIGH_INDEX]
 *                 -> pd_high[PD_HIGH_INDEX ...] -> pt_image: the image up
 *                 to these tables at IMAGE_VIRT_START in 4 KiB pages,
 *                 text read-only and executable, rodata read-only, data
 *                 and stacks writable, both execute-disabled.  The tables
 *                 themselves (last in the image) are reached through the
 *                 identity map only.
 *
 * Prebuilt here: the identity pages, which hold absolute addresses.  Zero
 * here and written by the 32-bit stage from the load base: every entry
 * that holds an image address, as image_layout (below) lists them.
 */
#include "layout.h"
#include "stage32/image_layout.h"
#include <x86/paging.h>

    .section .boot_pagetables, "aw"
    .balign PAGE_SIZE

    .globl  pml4
pml4:
    .fill   PT_ENTRIES, 8, 0            /* [0], [PML4_HIGH_INDEX]: links */

    .globl  pdpt_ident
pdpt_ident:
    .fill   PT_ENTRIES, 8, 0            /* [0 .. IDENTITY_PD_COUNT): links */

    /*
     * The first 2 MiB go through a page table of 4 KiB pages: the
     * fixed-range MTRRs give parts of the first MiB different memory types,
     * and a large page spanning them is undefined (SDM Vol. 3A, 12.11.9
     * "Large Page Size Considerations").
     */
    .globl  pd_ident
pd_ident:
    .quad   0                           /* -> pt_ident_low: a link */
    i = 1
    .rept   IDENTITY_PD_COUNT * PT_ENTRIES - 1
    .quad   i * LARGE_PAGE_SIZE + PTE_IDENT_2M
    i = i + 1
    .endr

    .globl  pt_ident_low
pt_ident_low:
    i = 0
    .rept   PT_ENTRIES
    .quad   i * PAGE_SIZE + PTE_IDENT_4K
    i = i + 1
    .endr

    .globl  pdpt_high
pdpt_high:
    .fill   PT_ENTRIES, 8, 0            /* [PDPT_HIGH_INDEX]: a link */

    .globl  pd_high
pd_high:
    .fill   PT_ENTRIES, 8, 0            /* [PD_HIGH_INDEX ...]: links */

    /* Entry i maps image page i; those from the page tables on stay zero. */
    .globl  pt_image
pt_image:
    .fill   IMAGE_PT_COUNT * PT_ENTRIES, 8, 0

/* A link (struct PtLink, arch/x86/boot/stage32/image_layout.h): entry points at table. */
#define PT_LINK(entry, table)                              \
    .long   IMG_OFF(entry);                                \
    .long   IMG_OFF(table) + PTE_TABLE
/* A run (struct PtRun): pt_image's entries of the image's pages first .. end (end excluded). */
#define PT_RUN(first, end, flags)                          \
    .long   IMG_OFF(first) + ((flags) & 0xfff);            \
    .long   IMG_OFF(end) + ((flags) & 0xfff);              \
    .long   ((flags) >> 32) & 0xffffffff

/*
 * What the 32-bit stage needs to know about the image (ImageLayout in
 * arch/x86/boot/stage32/image_layout.h): sizes, tables, and the entries it
 * writes, as offsets from the image's first byte.  No absolute addresses,
 * so the 32-bit stage can read it wherever the image sits.
 */
    .section .rodata, "a"
    .balign 8
    .globl  image_layout
image_layout:
    .long   __image_size                    /* image_size (linker script) */
    .long   RELOC_ALIGN                     /* reloc_align */
    .long   IMG_OFF(pd_ident)               /* identity_pd */
    .long   IMG_OFF(pt_image)               /* pt_image */
    .long   (.Lruns - .Llinks) / PT_LINK_SIZE       /* link_count */
    .long   (.Lruns_end - .Lruns) / PT_RUN_SIZE     /* run_count */

/* Links: every entry that points at another boot table. */
.Llinks:
    PT_LINK(pml4, pdpt_ident)
    PT_LINK(pml4 + PML4_HIGH_INDEX * 8, pdpt_high)
    i = 0
    .rept   IDENTITY_PD_COUNT
    PT_LINK(pdpt_ident + i * 8, pd_ident + i * PAGE_SIZE)
    i = i + 1
    .endr
    PT_LINK(pd_ident, pt_ident_low)         /* the first 2 MiB in 4 KiB pages */
    PT_LINK(pdpt_high + PDPT_HIGH_INDEX * 8, pd_high)
    i = 0
    .rept   IMAGE_PT_COUNT
    PT_LINK(pd_high + (PD_HIGH_INDEX + i) * 8, pt_image + i * PAGE_SIZE)
    i = i + 1
    .endr

/*
 * Runs: the image's pages up to the page tables (linker script), one
 * permission class after the other; pt_image's entries from the page
 * tables on stay zero.
 */
.Lruns:
    PT_RUN(__image_start, __text_end,         PTE_TEXT)     /* R-X */
    PT_RUN(__text_end,    __rodata_end,       PTE_RODATA)   /* R-- */
    PT_RUN(__rodata_end,  __pagetables_start, PTE_DATA)     /* RW- */
.Lruns_end:
    .if (.Llinks - image_layout) != IMAGE_LAYOUT_SIZE
    .error "image_layout does not match struct ImageLayout"
    .endif
