/*
 * The hand-off: what relboot passes to what comes after it, and what
 * holds at that moment.  This is the header the hypervisor proper links
 * against.
 *
 * The 64-bit stage's last act is handoff(): it chooses the target,
 * prints "relboot: handoff <target>" (boot-contract.md) and calls it with
 * the filled BootInfo (boot_info.h; magic BOOT_INFO_MAGIC, version
 * BOOT_INFO_VERSION).  Targets, in handoff.cpp's table:
 *   report  hypervisor_entry(): relboot's own default prints "relboot: ok"
 *           and ends the run (debug-exit= port, else halt); a hypervisor
 *           linked with relboot replaces it with a strong definition.
 *
 * What holds when a target is entered (x86-64, CPL 0, one CPU):
 *   - Memory.  relboot still occupies, and BootInfo's memory map marks as
 *     in use: its image [load_base, load_base + image_size) (type relboot:
 *     code, data, BootInfo and its tables, the stacks, the page tables),
 *     the loader's information structure (type boot_data: BootInfo's
 *     command line and module strings point into it) and the modules
 *     (type module).  Every range of type usable is free.  The image and
 *     the information structure may be reclaimed once the target has its
 *     own page tables, stack and IDT and has copied what it needs out of
 *     BootInfo; modules once it has consumed them.  ACPI reclaimable
 *     ranges hold the ACPI tables until they are read.
 *   - Paging.  CR3 = BootInfo.cr3, relboot's PML4, 4-level paging,
 *     CR0.WP set, EFER.NXE as BootInfo.nx says.  [0, identity_limit)
 *     (4 GiB unless mem= lowered it) is identity-mapped, writable and
 *     executable (2 MiB pages; 4 KiB pages below 2 MiB); the image is
 *     also mapped at its link address IMAGE_VIRT_START (layout.h), with
 *     text read-only and executable, data non-executable.  Nothing above
 *     identity_limit is mapped.
 *   - Stack.  RSP points into relboot's 64-bit stack (STACK64_SIZE,
 *     layout.h) inside the image, 16-byte aligned minus the return
 *     address of the call (the SysV convention).
 *   - Descriptor tables.  relboot's GDT (SEL_CODE64, SEL_DATA, segment.h)
 *     and its 64-bit IDT, 32 exception gates whose stubs print
 *     "relboot: error: exception ..." and end the run.  No TSS.
 *   - Interrupts off: RFLAGS.IF = 0.  The PIC, the local APIC and the
 *     IO-APIC are as the firmware and loader left them; no other CPU was
 *     started.
 *   - The serial console relboot used (console=) is initialised.
 */
#ifndef RELBOOT_HANDOFF_H
#define RELBOOT_HANDOFF_H

#include <relboot/boot_info.h>

namespace relboot {

/*
 * The hypervisor proper's entry.  relboot's own definition is weak (the
 * "report" target, handoff.cpp); a strong one linked into the image takes
 * its place.  bi is valid for as long as the image is kept.
 */
[[noreturn]] void hypervisor_entry(const BootInfo& bi);

/* The hand-off targets (handoff.cpp's table, in this order). */
enum class HandoffTarget : uint8_t {
    report = 0,     /* hypervisor_entry() */
    count,
};

/*
 * Chooses the target for bi (today always report), prints "relboot:
 * handoff <target>" on console (nothing under loglvl=quiet) and enters it.
 */
[[noreturn]] void handoff(const BootInfo& bi, class Console& console);

} // namespace relboot

#endif
