/*
 * The multiboot1 header (Multiboot Specification 0.6.96, 3.1.1).
 *
 * The linker script puts it right after the multiboot2 header, inside the
 * file's first 8 KiB, u32-aligned, as 3.1.1 requires.  Flag bit 16 (the
 * "a.out kludge") is set and the address fields are filled in by the
 * linker from the image's physical link addresses: QEMU's -kernel refuses
 * an ELF64 file without them ("Cannot load x86-64 image"), and with them
 * it, like GRUB, ignores the ELF headers.  The loader then reads the file
 * bytes [load_addr, load_end_addr) as one piece, so the linker script
 * keeps the loaded part of the file contiguous (.bss has file bytes), and
 * zeroes up to bss_end_addr.  Multiboot1 has no relocation: the image
 * runs at its link address.
 *
 * PAD= test images leave the header out: their empty blob has no file
 * bytes, so the file is not one piece.
 */
#include <relboot/spec/multiboot1.h>

#if PAD_BYTES == 0
#define MB1_FLAGS (MULTIBOOT1_PAGE_ALIGN | MULTIBOOT1_MEMORY_INFO | MULTIBOOT1_AOUT_KLUDGE)

    .section .multiboot1, "a"
    .balign MULTIBOOT1_HEADER_ALIGN
    .globl  mb1_header
mb1_header:
    .long   MULTIBOOT1_HEADER_MAGIC                 /* magic */
    .long   MB1_FLAGS                               /* flags: modules page-aligned, memory map wanted, addresses below */
    .long   -(MULTIBOOT1_HEADER_MAGIC + MB1_FLAGS)  /* checksum: magic + flags + checksum == 0 (mod 2^32) */
    .long   mb1_header_addr                         /* header_addr: physical address of magic (linker script) */
    .long   mb1_load_addr                           /* load_addr: the image's first byte, LINK_BASE */
    .long   mb1_load_end_addr                       /* load_end_addr: end of the file bytes (the page tables) */
    .long   mb1_bss_end_addr                        /* bss_end_addr: the image's end (BootState's tables) */
    .long   mb1_entry_addr                          /* entry_addr: relboot_entry_multiboot1 */
    .globl  mb1_header_end
mb1_header_end:
#endif
