/*
 * The 32-bit C++ stage as a flat, position-independent blob that
 * head32.S includes with .incbin.
 *
 * The Makefile links it twice, at BOOT32_BASE = 0 and at another base,
 * with --orphan-handling=error, and compares the flat binaries of all
 * loaded sections: any absolute address in the code or its read-only
 * data makes them differ and fails the build.  Every input section is
 * placed here or discarded.  The blob may have no writable data at all
 * (all state is in boot_state, passed by address) and no data that needs
 * relocating, which this script asserts.
 */
OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(boot32_main)

SECTIONS
{
    . = BOOT32_BASE;
    /* The blob: its only loaded section. */
    .text :
    {
        *(.text .text.*)
        *(.rodata .rodata.*)
        *(.got.plt) *(.got)         /* the three reserved GOT words of a static PIE link */
    }

    /* Never loaded (INFO): what must stay empty, one kind a section, each with its ASSERT below. */
    .absolute (INFO) :
    {
        /* -fpie puts data holding addresses (pointer tables, vtables) here; the blob is never relocated. */
        *(.data.rel.ro .data.rel.ro.*)
    }
    .writable (INFO) :
    {
        *(.data .data.*) *(.bss .bss.*) *(COMMON) *(.tdata .tdata.* .tbss .tbss.*)
    }
    .forbidden (INFO) :
    {
        *(.init_array* .ctors* .fini_array* .dtors*)
        *(.plt .plt.* .iplt* .igot* .rel.* .rela.* .dynamic .dynsym .dynstr .interp)
    }

    /DISCARD/ :
    {
        *(.comment) *(.note .note.*) *(.eh_frame*)
    }
}

ASSERT(SIZEOF(.absolute) == 0, "the 32-bit stage may hold no absolute addresses (a pointer table or vtable in .data.rel.ro): use offsets or code")
ASSERT(SIZEOF(.writable) == 0, "the 32-bit stage may have no writable data (.data, .bss): keep state in boot_state")
ASSERT(SIZEOF(.forbidden) == 0, "the 32-bit stage may have no constructors, PLT or dynamic sections")
