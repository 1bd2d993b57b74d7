/*
 * The entry protocols relboot speaks, as numbers that assembly (the entry
 * files hand one to the common 32-bit start) and C++ (BootInfo.protocol)
 * share.  Adding a protocol: one entry file, one filler, one number here.
 */
#ifndef RELBOOT_PROTOCOL_H
#define RELBOOT_PROTOCOL_H

#define PROTOCOL_MULTIBOOT2   1   /* Multiboot2 Specification 2.0, i386 machine state (3.3) */
#define PROTOCOL_MULTIBOOT1   2   /* Multiboot Specification 0.6.96, machine state (3.2) */
#define PROTOCOL_PVH          3   /* Xen's x86/HVM direct boot ABI (docs/misc/pvh.pandoc) */

#endif
