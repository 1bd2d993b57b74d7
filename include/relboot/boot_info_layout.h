/*
 * The layout facts of struct BootInfo (boot_info.h) that the linker
 * script needs: head32.S zeroes boot_info only up to its TSC stamps,
 * which every phase writes before anything reads them.  boot_info.h
 * asserts that these match the structure.
 */
#ifndef RELBOOT_BOOT_INFO_LAYOUT_H
#define RELBOOT_BOOT_INFO_LAYOUT_H

#define BOOT_INFO_TSC_OFFSET  136   /* offsetof(BootInfo, tsc) */
#define BOOT_INFO_SIZE        184   /* sizeof(BootInfo) */

#endif
