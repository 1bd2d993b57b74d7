/*
 * What the 32-bit stage is told about the image it runs in
 * (image_layout, built by arch/x86/boot/pagetables.S and the linker
 * script).  Offsets count bytes from the image's first byte; nothing in
 * it is an absolute address, so it is valid wherever the image sits.
 */
#ifndef RELBOOT_IMAGE_LAYOUT_H
#define RELBOOT_IMAGE_LAYOUT_H

/* Entries of the prebuilt page tables that hold image addresses: see pagetables.S. */
#define IMAGE_RELOC_RANGES  7
#define IMAGE_LAYOUT_SIZE   (20 + IMAGE_RELOC_RANGES * 8)

#ifndef __ASSEMBLER__
#include <cstdint>

namespace relboot {

/* A run of count consecutive 8-byte paging entries at offset (bytes, 8-aligned). */
struct RelocRange {
    uint32_t offset;
    uint32_t count;
};

struct ImageLayout {
    uint32_t link_base;     /* physical link address of the first byte */
    uint32_t image_size;    /* bytes of the whole image, page tables included; 4 KiB multiple */
    uint32_t reloc_align;   /* alignment the multiboot2 header asks for (bytes, power of 2) */
    uint32_t identity_pd;   /* offset of pd_ident: IDENTITY_PD_COUNT page directories of 2 MiB pages */
    uint32_t reloc_count;   /* valid entries in reloc[] */
    RelocRange reloc[IMAGE_RELOC_RANGES];
};
static_assert(sizeof(ImageLayout) == IMAGE_LAYOUT_SIZE);

} // namespace relboot
#endif

#endif
