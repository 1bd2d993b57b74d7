/*
 * What the 32-bit stage is told about the image it runs in: image_layout,
 * built by arch/x86/boot/stage32/pagetables.S.  Offsets count bytes from the
 * image's first byte; nothing in it is an absolute address, so it is
 * valid wherever the image sits.
 *
 * Its links and runs list every paging entry that holds an image
 * address; the 32-bit stage writes exactly those from the load base
 * (pt_fixup()).  The counts are the assembler's, taken from the lists.
 */
#ifndef RELBOOT_IMAGE_LAYOUT_H
#define RELBOOT_IMAGE_LAYOUT_H

#define IMAGE_LAYOUT_SIZE   24      /* bytes of ImageLayout; its links, then its runs, follow it */
#define PT_LINK_SIZE        8       /* bytes of a PtLink */
#define PT_RUN_SIZE         12      /* bytes of a PtRun */

#ifndef __ASSEMBLER__
#include <cstdint>

namespace relboot {

/*
 * A link from a paging entry to a boot page table: the entry's bits 31:0
 * become load base + pte.  Its bits 63:32 stay zero (as built): the table
 * lies below 4 GiB, and a link has no XD.
 */
struct PtLink {
    uint32_t entry;     /* offset of the entry (8-aligned) */
    uint32_t pte;       /* offset of the table it points at | flags 11:0 */
};
static_assert(sizeof(PtLink) == PT_LINK_SIZE);

/*
 * The pt_image entries of consecutive image pages with the same
 * permissions (pt_image entry p maps image page p).  The runs follow each
 * other: the first starts at the image's first page, each next one where
 * the previous one ended.  pte_low is the first
 * page's entry (bits 31:0) as if the image sat at address 0: its offset |
 * flags 11:0; pte_end the same past the last page.  Loaded at base, the
 * entry of the page at offset o is (base + o) | flags, pte_high << 32.
 */
struct PtRun {
    uint32_t pte_low;   /* offset of the first page | flags 11:0 */
    uint32_t pte_end;   /* offset past the last page | the same flags */
    uint32_t pte_high;  /* flags 63:32 (XD) */
};
static_assert(sizeof(PtRun) == PT_RUN_SIZE);

struct ImageLayout {
    uint32_t image_size;    /* bytes of the whole image, page tables included; 4 KiB multiple */
    uint32_t reloc_align;   /* alignment the multiboot2 header asks for (bytes, power of 2) */
    uint32_t identity_pd;   /* offset of pd_ident: IDENTITY_PD_COUNT page directories of 2 MiB pages */
    uint32_t pt_image;      /* offset of pt_image: IMAGE_PT_COUNT page tables of the image's pages */
    uint32_t link_count;    /* PtLinks right after this header */
    uint32_t run_count;     /* PtRuns right after the links */

    const PtLink* links() const { return reinterpret_cast<const PtLink*>(this + 1); }
    const PtRun* runs() const { return reinterpret_cast<const PtRun*>(links() + link_count); }
};
static_assert(sizeof(ImageLayout) == IMAGE_LAYOUT_SIZE);

} // namespace relboot
#endif

#endif
