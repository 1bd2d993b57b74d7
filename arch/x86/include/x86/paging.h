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
#define PTE_PS         BIT64(7)    /* Page size: 2 MiB page in a PDE, 1 GiB in a PDPTE; reserved in a PML4E */
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

/*
 * Large pages (SDM tables 4-17 and 4-15): bit 12 is the PAT bit, the
 * frame starts at bit 21 (2 MiB) or 30 (1 GiB), and the bits between
 * are reserved (a set one is a reserved-bit page fault).
 */
#define PTE_LARGE_PAT       BIT64(12)
#define PTE_2M_RESERVED     UINT64(0x00000000001fe000)  /* bits 20:13 */
#define PTE_1G_RESERVED     UINT64(0x000000003fffe000)  /* bits 29:13 */

/*
 * PAE paging (SDM 4.4, table 4-8): CR3 bits 31:5 hold the 32-byte
 * aligned PDPT of 4 entries; a PDPTE has reserved bits 2:1 and 8:5.  PDs
 * and PTs are as in 4-level paging (2 MiB pages with PS).
 */
#define PAE_CR3_MASK        UINT64(0x00000000ffffffe0)
#define PAE_PDPTE_RESERVED  UINT64(0x00000000000001e6)
#define PAE_PDPT_SHIFT      30

/*
 * 32-bit paging (SDM 4.3, tables 4-4 to 4-6): 4-byte entries, 1024 a
 * table; a PDE with PS (and CR4.PSE) maps 4 MiB: address bits 31:22 from
 * its bits 31:22, bits 39:32 from its bits 20:13 (PSE-36), bit 21
 * reserved.
 */
#define PT32_ENTRIES        1024
#define PT32_PD_SHIFT       22
#define PT32_PT_SHIFT       12
#define PT32_ADDR_MASK      UINT32(0xfffff000)
#define PDE32_4M_ADDR_MASK  UINT32(0xffc00000)
#define PDE32_4M_HIGH_MASK  UINT32(0x001fe000)  /* bits 20:13: address bits 39:32 */
#define PDE32_4M_HIGH_SHIFT 19                  /* bit 13 to bit 32 */
#define PDE32_4M_RESERVED   BIT32(21)

#define PT_ENTRIES     512
#define PML4_SHIFT     39
#define PDPT_SHIFT     30
#define PD_SHIFT       21
#define PT_SHIFT       12
/* Index of a virtual address in the table at each level. */
#define PT_INDEX(va, shift)  (((va) >> (shift)) & 511)

#endif
