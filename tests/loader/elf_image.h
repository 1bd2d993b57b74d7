/*
 * relboot's ELF64 image, read in place from the module: checked, then
 * its PT_LOAD segments copied to the load base the way GRUB's multiboot2
 * loader does for a relocatable image (every p_paddr shifted by the same
 * delta, base - lowest p_paddr).
 */
#ifndef TESTLOADER_ELF_IMAGE_H
#define TESTLOADER_ELF_IMAGE_H

#include <cstdint>

namespace testloader {

/* What the loader needs from relboot's headers; physical addresses before the load delta. */
struct Image {
    uint32_t link_low;      /* lowest p_paddr of the PT_LOAD segments */
    uint32_t span;          /* highest p_paddr + p_memsz, minus link_low (bytes) */
    uint32_t entry_link;    /* e_entry converted to p_paddr terms, as GRUB does */
};

/*
 * Checks the ELF64 x86-64 headers in the module [file, file + size) and
 * returns the image's extent and entry.  Every PT_LOAD must lie inside
 * the file and below 4 GiB; e_entry (virtual) must fall in a PT_LOAD's
 * [p_vaddr, p_vaddr + p_memsz), and becomes e_entry - p_vaddr + p_paddr.
 * Anything else: error and fail().
 */
Image inspect_image(uintptr_t file, uint32_t size);

/*
 * Copies every PT_LOAD of the checked image at file to base + (p_paddr -
 * link_low) and zeroes its p_memsz - p_filesz tail.  The caller has made
 * sure that the target range [base, base + span) overlaps neither the
 * module nor the loader.
 */
void load_image(uintptr_t file, const Image& img, uint32_t base);

} // namespace testloader

#endif
