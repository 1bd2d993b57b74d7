/*
 * Where the image is linked, physically and virtually.
 *
 * The image is linked at LINK_BASE (physical, the lowest p_paddr of its
 * PT_LOAD segments) and GRUB moves it to a base of its own choosing (the
 * multiboot2 relocatable header tag, see protocol/multiboot2_header.S).  Every section has
 * its virtual address (VMA) at physical link address + KERNEL_VIRT_OFFSET,
 * the top 2 GiB of the address space, so the 64-bit stage is built with
 * -mcmodel=kernel and its addresses are link-time constants whatever the
 * load base.
 *
 * The 32-bit code runs before paging, at physical addresses, and never
 * uses an absolute symbol value: it names image data by its offset from
 * IMAGE_VIRT_START (see image32.h).  A stray absolute use of a symbol in
 * 32-bit code cannot link, because a top-2-GiB value does not fit the
 * 32-bit field ("relocation truncated to fit").
 */
#ifndef RELBOOT_LAYOUT_H
#define RELBOOT_LAYOUT_H

#include <relboot/spec/macros.h>
#include <x86/paging.h>

/* Physical link address; 2 MiB aligned so the image starts a page directory entry. */
#define LINK_BASE            UINT32(0x01000000)

/* Virtual minus physical address of every byte of the image (-2 GiB). */
#define KERNEL_VIRT_OFFSET   UINT64(0xffffffff80000000)

/* Virtual address of the image's first byte (its multiboot2 header). */
#define IMAGE_VIRT_START     (KERNEL_VIRT_OFFSET + LINK_BASE)

/* Physical link address of an image symbol, given its virtual address. */
#define PHYS(va)             ((va) - KERNEL_VIRT_OFFSET)

/* Offset of an image symbol from the image's first byte: the same at every load base. */
#define IMG_OFF(sym)         ((sym) - IMAGE_VIRT_START)

/*
 * The entries of the higher-half map on the way to IMAGE_VIRT_START:
 * pml4[PML4_HIGH_INDEX] -> pdpt_high[PDPT_HIGH_INDEX] -> pd_high[PD_HIGH_INDEX ...].
 */
#define PML4_HIGH_INDEX      PT_INDEX(IMAGE_VIRT_START, PML4_SHIFT)
#define PDPT_HIGH_INDEX      PT_INDEX(IMAGE_VIRT_START, PDPT_SHIFT)
#define PD_HIGH_INDEX        PT_INDEX(IMAGE_VIRT_START, PD_SHIFT)

/*
 * Offset of the 64-bit exception stubs (idt64.S) in the image, right
 * after the multiboot2 header: a fixed place, so that the assembler can
 * build the 64-bit IDT's gates (the linker script puts them there).
 */
#define IDT64_STUBS_OFFSET   0x200

/* Page sizes (Intel SDM Vol. 3A, 4.5 "4-level paging"). */
#define PAGE_SIZE            UINT32(0x1000)
#define PAGE_SHIFT           12
#define LARGE_PAGE_SIZE      UINT32(0x200000)
#define LARGE_PAGE_SHIFT     21

/*
 * How much of the image the higher-half page tables can map: one page
 * table (512 x 4 KiB = 2 MiB) per IMAGE_PT_COUNT, 1 to 32.  The Makefile
 * raises it with PAD=; the linker script asserts that the image fits.
 */
#ifndef IMAGE_PT_COUNT
#define IMAGE_PT_COUNT       1
#endif

/* PAD= (bytes): an empty test blob inside the image (linker script). */
#ifndef PAD_BYTES
#define PAD_BYTES            0
#endif

/* Identity map of the low 4 GiB: four page directories of 2 MiB pages. */
#define IDENTITY_PD_COUNT    4

/*
 * CPUs relboot keeps per-CPU state for (the CPU table's capacity,
 * BootState's CPUS_MAX): slot 0 the BSP, slots 1.. the APs.
 */
#define CPU_SLOTS            64

/* Stack sizes in bytes (16-byte aligned). */
#define STACK32_SIZE         UINT32(8192)    /* the command-line parser decodes into 4 KiB on it */
#define STACK64_SIZE         UINT32(8192)
#define EXCEPTION_STACK_SIZE UINT32(4096)    /* each CPU's, for every exception (IST_EXCEPTION) */
#define IST_STACK_SIZE       UINT32(2048)    /* each CPU's for NMI, #DF and #MC, each */

#endif
