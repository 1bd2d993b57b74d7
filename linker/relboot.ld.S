/*
 * The relboot image (preprocessed: include/relboot/*.h give the constants).
 *
 * One ELF64 file, every section at VMA = physical link address +
 * KERNEL_VIRT_OFFSET and LMA = the physical link address; GRUB loads by
 * p_paddr, enters at the physical address of e_entry and, the image
 * being relocatable, shifts both by the same load delta.
 *
 *   text    R-X  multiboot2 header, multiboot1 header, 64-bit exception stubs,
 *                32-bit code (with the 32-bit C++ blob), 64-bit code
 *   rodata  R--  the Xen ELF notes (also the PT_NOTE segment), read-only data
 *                (image_layout, both IDTs)
 *   data    RW-  data, .bss, then stacks (.noinit)
 *   ptables RW-  the boot page tables (not in the higher-half map)
 *
 * Each segment starts on a 4 KiB boundary so the page tables can give
 * each its own permissions.  The loaded part of the file is one piece
 * (file offset - physical address is the same for every PT_LOAD, .bss has
 * file bytes), because a multiboot1 loader reads [load_addr,
 * load_end_addr) from the file in one go (multiboot1_header.S).
 */
#include "bios/bios_call.h"
#include "layout.h"
#include <relboot/spec/multiboot1.h>
#include <relboot/spec/multiboot2.h>
#include "smp/trampoline.h"
#include <x86/paging.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
/*
 * e_entry is the entry's virtual address: GRUB finds the PT_LOAD whose
 * [p_vaddr, p_vaddr + p_memsz) holds it and converts it to that
 * segment's p_paddr terms itself (a physical e_entry is refused with
 * "entry point isn't in a segment"), then adds the load delta.
 */
ENTRY(relboot_entry32)

PHDRS
{
    text   PT_LOAD FLAGS(5);    /* PF_R | PF_X */
    rodata PT_LOAD FLAGS(4);    /* PF_R */
#if PAD_BYTES > 0
    pad    PT_LOAD FLAGS(6);    /* PF_R | PF_W, no file bytes: the PAD= test blob */
#endif
    data   PT_LOAD FLAGS(6);    /* PF_R | PF_W */
    ptables PT_LOAD FLAGS(6);   /* PF_R | PF_W: the boot page tables, identity-mapped only */
    note   PT_NOTE FLAGS(4);    /* the Xen ELF notes (PVH); aligned to 4: QEMU pads note fields to p_align */
}

SECTIONS
{
    . = IMAGE_VIRT_START;
    __image_start = .;

    .text : AT(PHYS(ADDR(.text)))
    {
        KEEP(*(.multiboot2))        /* first: within the first 32 KiB of the file */
        KEEP(*(.multiboot1))        /* within the first 8 KiB of the file */
        . = IDT64_STUBS_OFFSET;     /* (from the section's start) idt64.S builds its gates from it */
        KEEP(*(.idt64_stubs))       /* 64-bit exception stubs */
        __text32_start = .;
        *(.text32)                  /* 32-bit code, including the 32-bit C++ blob */
        __text32_end = .;
        *(.text .text.*)            /* 64-bit code */
        __text64_end = .;
        . = ALIGN(PAGE_SIZE);
        __text_end = .;
    } :text

    .notes : AT(PHYS(ADDR(.notes)))
    {
        KEEP(*(.note.Xen))          /* pvh_entry.S */
    } :rodata :note

    .rodata : AT(PHYS(ADDR(.rodata)))
    {
        *(.rodata .rodata.*)
        . = ALIGN(PAGE_SIZE);
        __rodata_end = .;
    } :rodata

#if PAD_BYTES > 0
    /*
     * PAD= (tests only): an empty blob between rodata and data, so that
     * the page tables, the GDT, boot_state and the stacks lie beyond it:
     * with PAD=20M every image-relative access of the 32-bit code reaches
     * past 16 MiB, where Xen's %fs segment stopped.
     */
    .pad (NOLOAD) : AT(PHYS(ADDR(.pad)))
    {
        . += PAD_BYTES;
        . = ALIGN(PAGE_SIZE);
    } :pad
#endif

    .data : AT(PHYS(ADDR(.data)))
    {
        *(.data .data.*)
    } :data

    .bss (NOLOAD) : AT(PHYS(ADDR(.bss)))
    {
        . = ALIGN(16);
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4);
        __bss_end = .;
    } :data

    .noinit (NOLOAD) : AT(PHYS(ADDR(.noinit)))
    {
        *(.noinit .noinit.*)        /* stacks, the command line's spans: written before read, never zeroed */
    } :data

    /*
     * One byte of data after them, so that the segment's file image covers
     * .bss and .noinit as well (zeros): the file stays one piece up to the
     * page tables, as a multiboot1 loader reads it (multiboot1_header.S).
     */
    .data_end : AT(PHYS(ADDR(.data_end)))
    {
        BYTE(0)
        . = ALIGN(PAGE_SIZE);
    } :data

    /*
     * The boot page tables, last and in a segment of their own: the
     * higher-half map stops before them (they are reached through the
     * identity map), so pt_image has fewer entries to write and no
     * writable alias of the tables exists at -2 GiB.
     */
    .pagetables : AT(PHYS(ADDR(.pagetables)))
    {
        __pagetables_start = .;
        *(.boot_pagetables)         /* pagetables.S: page-aligned tables, pt_image last */
        . = ALIGN(PAGE_SIZE);
        __pagetables_end = .;
    } :ptables

    /*
     * BootState's tables (memory map, modules): after the page tables and,
     * like them, reached through the identity map only (BootState names
     * them by physical address).  Written before read, never zeroed.
     */
    .boot_tables (NOLOAD) : AT(PHYS(ADDR(.boot_tables)))
    {
        *(.boot_tables)
        . = ALIGN(PAGE_SIZE);
    } :ptables
    __image_end = .;

    /* Sections relboot must not have; asserted empty below. */
    .forbidden (INFO) :
    {
        *(.init_array* .ctors* .fini_array* .dtors*)
        *(.got .got.* .plt .plt.* .iplt* .igot*)
        *(.rela.* .rel.* .dynamic .dynsym .dynstr .interp)
    }

    /DISCARD/ :
    {
        *(.comment) *(.note .note.*) *(.eh_frame*)
    }
}

__image_size = __image_end - __image_start;

#if PAD_BYTES == 0
/* The multiboot1 header's addresses (multiboot1_header.S): physical, at the link address. */
mb1_header_addr = PHYS(mb1_header);
mb1_load_addr = PHYS(__image_start);
mb1_load_end_addr = PHYS(__pagetables_end);
mb1_bss_end_addr = PHYS(__image_end);
mb1_entry_addr = PHYS(relboot_entry_multiboot1);
#endif
/* The multiboot2 EFI amd64 entry (header tag 9, multiboot2_header.S): physical, shifted by GRUB. */
mb2_efi64_entry_addr = PHYS(relboot_entry_efi64);
/* The PVH entry (XEN_ELFNOTE_PHYS32_ENTRY, pvh_entry.S). */
pvh_entry_addr = PHYS(relboot_entry_pvh);
__image_pages = __image_size / PAGE_SIZE;
/* head32.S zeroes all of .bss, a dword at a time. */
__bss_dwords = (__bss_end - __bss_start) / 4;

ASSERT(mb2_header == __image_start, "the multiboot2 header must be the image's first byte")
ASSERT(mb2_header_end - mb2_header <= MULTIBOOT2_SEARCH / 2, "multiboot2 header too large")
#if PAD_BYTES == 0
/* The text starts at file offset 4096 (the ELF headers' page; tests/image/multiboot1-header.test). */
ASSERT(mb1_header_end - __image_start <= MULTIBOOT1_SEARCH - 4096 - 48,
       "multiboot1 header not within the file's first 8 KiB (QEMU scans below 8192 - 48)")
ASSERT(mb1_header % MULTIBOOT1_HEADER_ALIGN == 0, "multiboot1 header must be 4-byte aligned")
#endif
ASSERT(exc64_stubs == __image_start + IDT64_STUBS_OFFSET,
       "the 64-bit exception stubs must lie at IDT64_STUBS_OFFSET: the 64-bit IDT's gates point there")
ASSERT(LINK_BASE % LARGE_PAGE_SIZE == 0, "LINK_BASE must be 2 MiB aligned")
ASSERT(LINK_BASE % RELOC_ALIGN == 0, "LINK_BASE must honour RELOC_ALIGN")
ASSERT(__pagetables_start - __image_start <= IMAGE_PT_COUNT * LARGE_PAGE_SIZE,
       "pt_image has no entry for every page before the page tables: raise IMAGE_PT_COUNT")
ASSERT(PHYS(__image_end) <= 0x100000000, "image must lie below 4 GiB")
ASSERT(pml4 % PAGE_SIZE == 0 && pt_image % PAGE_SIZE == 0 && pd_ident % PAGE_SIZE == 0,
       "page tables must be 4 KiB aligned")
ASSERT(__text_end % PAGE_SIZE == 0 && __rodata_end % PAGE_SIZE == 0, "segments must start on 4 KiB boundaries")
ASSERT(idt64 % 16 == 0, "64-bit IDT must be 16-byte aligned")
ASSERT(gdt % 8 == 0, "GDT must be 8-byte aligned")
ASSERT(boot_state % 8 == 0, "boot_state must be 8-byte aligned")
ASSERT(stack32_top % 16 == 0 && stack64_top % 16 == 0 && exception32_stack_top % 16 == 0, "stacks must be 16-byte aligned")
ASSERT(SIZEOF(.forbidden) == 0, "static constructors, GOT/PLT or relocation sections in the image")
ASSERT(trampoline_end - trampoline_start <= TRAMPOLINE_SIZE, "the AP trampoline (smp/trampoline.S) must fit one page")
ASSERT(realmode_blob_end - realmode_blob <= BIOS_CALL_REGS,
       "the BIOS-call thunk (realmode.S) runs into its register block at BIOS_CALL_REGS")
ASSERT(PHYS(relboot_entry32) < 0x100000000, "32-bit entry must lie below 4 GiB")
