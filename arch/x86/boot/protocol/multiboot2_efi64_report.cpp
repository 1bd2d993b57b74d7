/*
 * The EFI amd64 entry, 64-bit stage side: loglvl=debug's line about what
 * its ExitBootServices() left in the EfiExit record (efi_exit.h).  The
 * multiboot2 filler (multiboot2.cpp) takes the final memory map from the
 * record, or refuses a failed exit.
 */
#include "protocol/efi_exit.h"

namespace relboot {

void efi64_print_exit(const EfiExit& exit, Console& con)
{
    con.begin().str("debug: efi exit attempts=").dec(exit.attempts).str(" stale_keys=").dec(exit.stale_injected);
    con.str(" map_key=").hex16(exit.map_key).str(" desc_size=").dec(exit.desc_size);
    con.str(" desc_version=").dec(exit.desc_version).end();
}

} // namespace relboot
