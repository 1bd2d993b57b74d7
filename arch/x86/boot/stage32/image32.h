/*
 * How 32-bit code names the image's own data: the relocation scheme.
 *
 * The image runs wherever the loader put it, with paging off, so every
 * access to its own data must add the load base at run time.  The base is
 * found once (head32.S, call/pop) and then lives either
 *
 *   BASE=ebp (default)  in %ebp: an operand is  offset(%ebp);
 *   BASE=fs             in the base of the %fs descriptor (SEL_IMAGE):
 *                       an operand is  %fs:offset; %ebp still holds the
 *                       base (it is handed to the C++ stage) but no
 *                       operand uses it.
 *
 * This header is the only place that knows which.  Code after the GDT is
 * set up names image data only through:
 *
 *   IMG(sym)               memory operand for the image datum sym
 *   IMG_LEA sym, reg       linear (= physical) address of sym into reg
 *   IMG_OFF(sym)           sym's offset from the image's first byte (layout.h)
 *
 * The few lines that find the base and load the GDT (and the exception
 * path, which cannot trust %fs) always use a register base:
 *
 *   REG_IMG(sym, reg)      memory operand offset(reg), default segment
 *
 * Caveats the %fs form must respect (and which is why those places use
 * IMG_LEA): `lea` ignores segments, so an address handed to C++ or
 * written into a descriptor comes from IMG_LEA; string instructions
 * (stos, movs) always write through %es, which stays flat, so their
 * %edi is a linear address from IMG_LEA.  An offset(%ebp) operand uses
 * %ss by default: %ss is flat (SEL_DATA) in both variants.
 */
#ifndef RELBOOT_IMAGE32_H
#define RELBOOT_IMAGE32_H

#include "layout.h"
#include <x86/segment.h>

#define REG_IMG(sym, reg)   IMG_OFF(sym)(reg)

/*
 * IMAGE_SEGMENT_SETUP runs before lgdt with the base in %ebp (clobbers
 * EAX, ECX); IMAGE_SEGMENT_LOAD runs after it with EAX = SEL_DATA and
 * loads %fs.
 */
#if defined(RELBOOT_BASE_FS)

#define IMG(sym)            %fs:IMG_OFF(sym)
.macro IMG_LEA sym, reg
    movl    %fs:IMG_OFF(image_load_base), \reg
    addl    $IMG_OFF(\sym), \reg
.endm

/*
 * SEL_IMAGE: base = load base, limit = the whole image in 4 KiB units
 * (G = 1), so the segment covers images of any size up to 4 GiB, not 1
 * MiB (byte granularity) or Xen's 16 MiB.
 */
.macro IMAGE_SEGMENT_SETUP
    movl    %ebp, REG_IMG(image_load_base, %ebp)
    movl    %ebp, %eax
    leal    REG_IMG(gdt + SEL_IMAGE, %ebp), %ecx
    call    set_descriptor_base
    movl    $(__image_pages - 1), %eax
    movw    %ax, (%ecx)                         /* limit 15:0 */
    shrl    $16, %eax
    andb    $0x0f, %al                          /* limit 19:16 */
    orb     $((SEG_FLAG_G | SEG_FLAG_DB) << 4), %al
    movb    %al, 6(%ecx)
.endm
.macro IMAGE_SEGMENT_LOAD
    movl    $SEL_IMAGE, %eax
    movl    %eax, %fs
.endm

#elif defined(RELBOOT_BASE_EBP)

#define IMG(sym)            REG_IMG(sym, %ebp)
.macro IMG_LEA sym, reg
    leal    IMG(\sym), \reg
.endm

.macro IMAGE_SEGMENT_SETUP
.endm
.macro IMAGE_SEGMENT_LOAD
    movl    %eax, %fs                           /* flat, like the others */
.endm

#else
#error "define RELBOOT_BASE_EBP or RELBOOT_BASE_FS (make BASE=ebp|fs)"
#endif

#endif
