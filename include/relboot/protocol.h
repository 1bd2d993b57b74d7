/*
 * The entry protocols relboot speaks, as numbers that assembly (the entry
 * files hand one to the common 32-bit start) and C++ (BootInfo.protocol)
 * share.  Adding a protocol: one entry file, one filler, one number here.
 */
#ifndef RELBOOT_PROTOCOL_H
#define RELBOOT_PROTOCOL_H

#define PROTOCOL_MULTIBOOT2   1   /* Multiboot2 Specification 2.0, i386 machine state (3.3) */

#endif
