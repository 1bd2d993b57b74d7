/*
 * PVH, Xen's x86/HVM direct boot ABI (xen/include/public/arch-x86/hvm/
 * start_info.h, xen/include/public/elfnote.h, docs/misc/pvh.pandoc): the
 * ELF notes relboot carries and the start info a PVH loader (Xen, QEMU,
 * Firecracker, cloud-hypervisor) hands over in EBX.  Names are Xen's.
 * Usable from assembly, C++ and the linker script.
 */
#ifndef RELBOOT_PVH_H
#define RELBOOT_PVH_H

#include <relboot/spec/macros.h>

/* elfnote.h: the note types relboot emits (name "Xen"). */
#define XEN_ELFNOTE_XEN_VERSION         5   /* string: the Xen ABI the image speaks */
#define XEN_ELFNOTE_GUEST_OS            6   /* string */
#define XEN_ELFNOTE_GUEST_VERSION       7   /* string */
#define XEN_ELFNOTE_LOADER              8   /* string: "generic" */
#define XEN_ELFNOTE_PHYS32_ENTRY        18  /* the 32-bit physical PVH entry address */

/* start_info.h: EBX at the PVH entry points at a struct hvm_start_info with this magic. */
#define XEN_HVM_START_MAGIC_VALUE       UINT32(0x336ec578)
/* Bytes of hvm_start_info, version 1 (memmap_* added); version 0 ends at memmap_paddr. */
#define HVM_START_INFO_SIZE             56

/* start_info.h: hvm_memmap_table_entry.type, the E820 numbers and two more. */
#define XEN_HVM_MEMMAP_TYPE_RAM         1
#define XEN_HVM_MEMMAP_TYPE_RESERVED    2
#define XEN_HVM_MEMMAP_TYPE_ACPI        3
#define XEN_HVM_MEMMAP_TYPE_NVS         4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE    5
#define XEN_HVM_MEMMAP_TYPE_DISABLED    6
#define XEN_HVM_MEMMAP_TYPE_PMEM        7

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

namespace relboot::pvh {

/* The start info.  Every address is physical; 0 means absent. */
struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 0 or 1: memmap_* exist from version 1 */
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;        /* entries at modlist_paddr */
    uint64_t modlist_paddr;     /* hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;     /* NUL-terminated command line */
    uint64_t rsdp_paddr;        /* the ACPI RSDP */
    uint64_t memmap_paddr;      /* hvm_memmap_table_entry[memmap_entries] (version 1) */
    uint32_t memmap_entries;
    uint32_t reserved;
};
static_assert(sizeof(hvm_start_info) == HVM_START_INFO_SIZE);
static_assert(offsetof(hvm_start_info, nr_modules) == 12 && offsetof(hvm_start_info, modlist_paddr) == 16);
static_assert(offsetof(hvm_start_info, cmdline_paddr) == 24 && offsetof(hvm_start_info, rsdp_paddr) == 32);
static_assert(offsetof(hvm_start_info, memmap_paddr) == 40 && offsetof(hvm_start_info, memmap_entries) == 48);

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;              /* bytes */
    uint64_t cmdline_paddr;     /* NUL-terminated; 0 = none */
    uint64_t reserved;
};
static_assert(sizeof(hvm_modlist_entry) == 32 && offsetof(hvm_modlist_entry, cmdline_paddr) == 16);

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};
static_assert(sizeof(hvm_memmap_table_entry) == 24 && offsetof(hvm_memmap_table_entry, type) == 16);

} // namespace relboot::pvh

#endif

#endif
