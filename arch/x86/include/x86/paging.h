/*
 * 4-level paging structure entries (PML4E, PDPTE, PDE, PTE).
 * Intel SDM Vol. 3A, 4.5 "4-Level Paging and 5-Level Paging", tables 4-15
 * to 4-20.  All entries are 8 bytes; every table is 4 KiB, 4 KiB aligned,
 * 512 entries.
 */
#ifndef RELBOOT_X86_PAGING_H
#define RELBOOT_X86_PAGING_H

#include <relboot/spec/macros.h>

#define PTE_P          BIT64(0)    /* Present */
#define PTE_RW         BIT64(1)    /* Read/write */
#define PTE_US         BIT64(2)    /* User/supervisor */
#define PTE_PWT        BIT64(3)
#define PTE_PCD        BIT64(4)
#define PTE_A          BIT64(5)    /* Accessed (set by the CPU) */
#define PTE_D          BIT64(6)    /* Dirty (set by the CPU) */
#define PTE_PS         BIT64(7)    /* Page size: 2 MiB page in a PDE */
#define PTE_G          BIT64(8)
#define PTE_XD         BIT64(63)   /* Execute-disable; reserved unless EFER.NXE */

/* Bits 51:12 hold the physical address of the next table or 4 KiB page. */
#define PTE_ADDR_MASK  UINT64(0x000ffffffffff000)
/* Bits the CPU may set on its own (ignored when comparing entries). */
#define PTE_AD_MASK    (PTE_A | PTE_D)

/* Entry kinds used by relboot's tables. */
#define PTE_TABLE      (PTE_P | PTE_RW)            /* link to a lower table */
#define PTE_IDENT_2M   (PTE_P | PTE_RW | PTE_PS)   /* identity 2 MiB page */
#define PTE_IDENT_4K   (PTE_P | PTE_RW)            /* identity 4 KiB page */
#define PTE_TEXT       (PTE_P)                     /* read-only, executable */
#define PTE_RODATA     (PTE_P | PTE_XD)            /* read-only, no execute */
#define PTE_DATA       (PTE_P | PTE_RW | PTE_XD)   /* read/write, no execute */

#define PT_ENTRIES     512
#define PML4_SHIFT     39
#define PDPT_SHIFT     30
#define PD_SHIFT       21
#define PT_SHIFT       12
/* Index of a virtual address in the table at each level. */
#define PT_INDEX(va, shift)  (((va) >> (shift)) & 511)

#endif
