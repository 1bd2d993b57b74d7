/*
 * The boot page tables, prebuilt at link time (Intel SDM Vol. 3A, 4.5).
 *
 *   pml4[0]    -> pdpt_ident[0..3] -> pd_ident[0..3]: 2047 x 2 MiB pages
 *                 and, for the first 2 MiB, pt_ident_low (4 KiB pages):
 *                 identity map of 0..4 GiB (the MBI, modules, devices and
 *                 the image itself during the switch to long mode);
 *   pml4[511]  -> pdpt_high[510]   -> pd_high[PD_HIGH_INDEX ...]
 *                 -> pt_image (linker script): the image up to these
 *                 tables at IMAGE_VIRT_START in 4 KiB pages, text
 *                 read-only and executable, rodata read-only, data and
 *                 stacks writable, both execute-disabled.  The tables
 *                 themselves (last in the image) are reached through the
 *                 identity map only.
 *
 * Links to lower tables and the pt_image entries hold link-time physical
 * addresses; image_layout.reloc[] lists exactly those entries, and the
 * 32-bit stage adds the load delta to them and to nothing else.  The
 * identity entries hold absolute addresses and are never relocated (only
 * pd_ident[0], the link to pt_ident_low, is).
 */
#include <relboot/layout.h>
#include <relboot/image_layout.h>
#include <relboot/x86/paging.h>

    .section .boot_pagetables, "aw"
    .balign PAGE_SIZE

    .globl  pml4
pml4:
    .quad   PHYS(pdpt_ident) + PTE_TABLE
    .fill   PML4_HIGH_INDEX - 1, 8, 0
    .quad   PHYS(pdpt_high) + PTE_TABLE
    .fill   PT_ENTRIES - PML4_HIGH_INDEX - 1, 8, 0

    .globl  pdpt_ident
pdpt_ident:
    i = 0
    .rept   IDENTITY_PD_COUNT
    .quad   PHYS(pd_ident) + i * PAGE_SIZE + PTE_TABLE
    i = i + 1
    .endr
    .fill   PT_ENTRIES - IDENTITY_PD_COUNT, 8, 0

    /*
     * The first 2 MiB go through a page table of 4 KiB pages: the
     * fixed-range MTRRs give parts of the first MiB different memory types,
     * and a large page spanning them is undefined (SDM Vol. 3A, 12.11.9
     * "Large Page Size Considerations").
     */
    .globl  pd_ident
pd_ident:
    .quad   PHYS(pt_ident_low) + PTE_TABLE
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
    .fill   PDPT_HIGH_INDEX, 8, 0
    .quad   PHYS(pd_high) + PTE_TABLE
    .fill   PT_ENTRIES - PDPT_HIGH_INDEX - 1, 8, 0

    .globl  pd_high
pd_high:
    .fill   PD_HIGH_INDEX, 8, 0
    i = 0
    .rept   IMAGE_PT_COUNT
    .quad   PHYS(pt_image) + i * PAGE_SIZE + PTE_TABLE
    i = i + 1
    .endr
    .fill   PT_ENTRIES - PD_HIGH_INDEX - IMAGE_PT_COUNT, 8, 0

/*
 * What the 32-bit stage needs to know about the image (ImageLayout in
 * include/relboot/image_layout.h): sizes and the entries to relocate, as
 * offsets from the image's first byte.  No absolute addresses, so the
 * 32-bit stage can read it wherever the image sits.
 */
    .section .rodata, "a"
    .balign 8
    .globl  image_layout
image_layout:
    .long   LINK_BASE                       /* link_base */
    .long   __image_size                    /* image_size (linker script) */
    .long   RELOC_ALIGN                     /* reloc_align */
    .long   IMG_OFF(pd_ident)               /* identity_pd */
    .long   IMAGE_RELOC_RANGES              /* reloc_count */
    /* reloc[]: offset of the first entry, number of consecutive entries */
    .long   IMG_OFF(pml4), 1
    .long   IMG_OFF(pml4) + PML4_HIGH_INDEX * 8, 1
    .long   IMG_OFF(pdpt_ident), IDENTITY_PD_COUNT
    .long   IMG_OFF(pd_ident), 1                    /* -> pt_ident_low */
    .long   IMG_OFF(pdpt_high) + PDPT_HIGH_INDEX * 8, 1
    .long   IMG_OFF(pd_high) + PD_HIGH_INDEX * 8, IMAGE_PT_COUNT
    .long   IMG_OFF(pt_image), __mapped_pages       /* linker script: the pages before the tables */
image_layout_end:
    .if (image_layout_end - image_layout) != IMAGE_LAYOUT_SIZE
    .error "image_layout does not match struct ImageLayout"
    .endif
