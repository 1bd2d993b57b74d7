/* loglvl=debug: the multiboot2 MBI's tags, one line each (64-bit stage; the filler checked the MBI). */
#include "lib/console.h"
#include "stage64/identity_map.h"
#include "protocol/mbi.h"

namespace relboot {

void multiboot2_print_tags(const BootState& bs, Console& con)
{
    mbi_for_each_tag(phys_ptr<uint8_t>(bs.info), bs.info_size, [&](uint32_t off, uint32_t type, uint32_t size) {
        con.begin().str("debug: mbi tag offset=").hex8(off).str(" type=").dec(type).str(" size=").dec(size).end();
    });
}

} // namespace relboot
