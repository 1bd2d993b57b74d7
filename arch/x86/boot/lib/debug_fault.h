/*
 * debug-fault= and debug-fault32= (tests): raise the chosen CPU exception
 * on purpose, to prove that the stage's IDT reports it.
 */
#ifndef RELBOOT_DEBUG_FAULT_H
#define RELBOOT_DEBUG_FAULT_H

#include "cmdline/cmdline.h"

namespace relboot {

/*
 * ud2: #UD.  gp: #GP, in 64-bit mode by a load from a non-canonical
 * address (error code 0), in 32-bit mode by loading a selector beyond the
 * GDT (the selector as error code).  pf (64-bit only, paging on): a write
 * to read_only, which must be a read-only mapped byte (#PF, error code 3).
 * none: returns at once.
 */
void raise_debug_fault(DebugFault fault, const void* read_only);

} // namespace relboot

#endif
