/*
 * The entry protocols relboot speaks, as numbers that assembly (the entry
 * files hand one to the common 32-bit start) and C++ (BootState.protocol)
 * share.  Adding a protocol: one entry file, one filler, one number here.
 */
#ifndef RELBOOT_PROTOCOL_H
#define RELBOOT_PROTOCOL_H

#define PROTOCOL_MULTIBOOT2   1   /* Multiboot2 Specification 2.0, i386 machine state (3.3) */
#define PROTOCOL_MULTIBOOT1   2   /* Multiboot Specification 0.6.96, machine state (3.2) */
#define PROTOCOL_PVH          3   /* Xen's x86/HVM direct boot ABI (docs/misc/pvh.pandoc) */
/*
 * Multiboot2 through the EFI amd64 entry (header tags 7 and 9, 3.1.10 and
 * 3.1.12): the entry called ExitBootServices() itself and then joined the
 * i386 path, so BootState.protocol is multiboot2 with entry_efi64 set.
 */
#define PROTOCOL_MULTIBOOT2_EFI64 4

#endif
