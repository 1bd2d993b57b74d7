/*
 * The 32-bit C++ stage as a flat, position-independent blob that
 * head32.S includes with .incbin.
 *
 * The Makefile links it twice, at BOOT32_BASE = 0 and at another base,
 * and compares the two flat binaries: any absolute address in the code
 * or its read-only data makes them differ and fails the build.  It may
 * have no writable data at all (all state is in boot_info, passed by
 * address), which this script asserts.
 */
OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(boot32_main)

SECTIONS
{
    . = BOOT32_BASE;
    .text :
    {
        *(.text .text.*)
        *(.rodata .rodata.*)
        *(.got.plt) *(.got)         /* the three reserved GOT words of a static PIE link */
    }

    .forbidden (INFO) :
    {
        *(.data .data.*) *(.bss .bss.*) *(COMMON)
        *(.init_array* .ctors* .fini_array* .dtors*)
        *(.plt .plt.* .iplt* .rel.* .rela.* .dynamic .dynsym .dynstr .interp)
    }

    /DISCARD/ :
    {
        *(.comment) *(.note .note.*) *(.eh_frame*)
    }
}

ASSERT(SIZEOF(.forbidden) == 0, "the 32-bit stage may have no writable data, constructors or dynamic sections")
