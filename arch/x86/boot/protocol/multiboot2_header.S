/*
 * The multiboot2 header (Multiboot2 Specification 2.0, 3.1).
 *
 * The linker script puts this section first in the image, so it lies in
 * the first 32 KiB of the file, 8-byte aligned, as 3.1.1 requires.  There
 * is no address tag (type 2): the loader takes the layout from the ELF
 * program headers.  There is no entry address tag either: the ELF entry
 * point (relboot_entry32) is used.
 *
 * With EFI_BS=yes (the default; Makefile) the header also carries the
 * EFI boot services tag (type 7) and the EFI amd64 entry address tag
 * (type 9): GRUB on EFI then does not call ExitBootServices() and enters
 * relboot_entry_efi64 (multiboot2_efi64_entry.S) in 64-bit mode, which
 * exits boot services itself, keeps the final EFI memory map and joins
 * the 32-bit path.  GRUB on BIOS ignores both.  EFI_BS=no leaves them out,
 * so that GRUB exits boot services and enters at the ELF entry in 32-bit
 * mode on EFI too (the path the tests keep exercising).  The two come
 * together or not at all: tag 7 without tag 9 would make GRUB enter the
 * 32-bit ELF entry in 64-bit mode.
 */
#include <relboot/spec/multiboot2.h>

/* Build knobs (Makefile): RELOC_MIN, RELOC_MAX, RELOC_ALIGN, RELOC_PREF. */
#if !defined(RELOC_MIN) || !defined(RELOC_MAX) || !defined(RELOC_ALIGN) || !defined(RELOC_PREF) || !defined(EFI_BS)
#error "RELOC_MIN, RELOC_MAX, RELOC_ALIGN, RELOC_PREF and EFI_BS come from the Makefile"
#endif

    .section .multiboot2, "a"
    .balign MULTIBOOT2_HEADER_ALIGN
    .globl  mb2_header
mb2_header:
    .long   MULTIBOOT2_HEADER_MAGIC                 /* magic */
    .long   MULTIBOOT2_ARCHITECTURE_I386            /* architecture: 32-bit protected mode */
    .long   mb2_header_end - mb2_header             /* header_length */
    /* checksum: magic + architecture + header_length + checksum == 0 (mod 2^32) */
    .long   0x100000000 - (MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_ARCHITECTURE_I386 + (mb2_header_end - mb2_header))

    /*
     * 3.1.4 Information request: the command line (relboot's options),
     * the memory map (for what comes after relboot) and the load base
     * address (tag 21, cross-checked against EIP).  Optional: relboot
     * copes without each of them, so a loader that cannot supply one need
     * not refuse the image.
     */
    .balign MULTIBOOT2_TAG_ALIGN
.Linfo_request:
    .short  MULTIBOOT2_HEADER_TAG_INFORMATION_REQUEST   /* type */
    .short  MULTIBOOT2_HEADER_TAG_OPTIONAL              /* flags */
    .long   .Linfo_request_end - .Linfo_request         /* size */
    .long   MULTIBOOT2_TAG_TYPE_CMDLINE                 /* mbi_tag_types[] */
    .long   MULTIBOOT2_TAG_TYPE_MMAP
    .long   MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR
.Linfo_request_end:

    /*
     * 3.1.9 Flags tag (console flags): no console is required (relboot writes to the
     * serial port only), and EGA text is acceptable, so the loader leaves
     * the text console as it is instead of setting a graphics mode.
     */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_CONSOLE_FLAGS         /* type */
    .short  0                                           /* flags */
    .long   12                                          /* size */
    .long   MULTIBOOT2_CONSOLE_FLAGS_EGA_TEXT_SUPPORTED /* console_flags */

    /* 3.1.11 Module alignment: modules start on a page boundary. */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_MODULE_ALIGN          /* type */
    .short  0                                           /* flags */
    .long   8                                           /* size */

    /*
     * 3.1.13 Relocatable header tag: the loader may put the image anywhere in
     * [min_addr, max_addr], aligned to align.  GRUB reads max_addr as the
     * highest address the image may reach (it allocates below
     * max_addr - size), so 0xffffffff keeps the whole image below 4 GiB.
     */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_RELOCATABLE           /* type */
    .short  0                                           /* flags: required */
    .long   24                                          /* size */
    .long   RELOC_MIN                                   /* min_addr */
    .long   RELOC_MAX                                   /* max_addr */
    .long   RELOC_ALIGN                                 /* align */
    .long   RELOC_PREF                                  /* preference */

#if EFI_BS
    /*
     * 3.1.10 EFI boot services tag: keep boot services running.  Optional,
     * as in Xen's header: a loader that cannot keep them exits them and
     * uses the i386 entry.
     */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_EFI_BS                /* type */
    .short  MULTIBOOT2_HEADER_TAG_OPTIONAL              /* flags */
    .long   8                                           /* size */

    /*
     * 3.1.12 EFI amd64 entry address tag: the physical link address of
     * relboot_entry_efi64 (linker script); GRUB adds the load delta as it
     * does to the ELF entry.  Optional, for the same reason.
     */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS_EFI64   /* type */
    .short  MULTIBOOT2_HEADER_TAG_OPTIONAL              /* flags */
    .long   12                                          /* size */
    .long   mb2_efi64_entry_addr                        /* entry_addr */
#endif

    /* 3.1.3 End tag (type 0, size 8). */
    .balign MULTIBOOT2_TAG_ALIGN
    .short  MULTIBOOT2_HEADER_TAG_END                   /* type */
    .short  0                                           /* flags */
    .long   8                                           /* size */
    .globl  mb2_header_end
mb2_header_end:
