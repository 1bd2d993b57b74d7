/*
 * The report lines about the command line (docs/report.md): between
 * "cmdline" and "longmode", one "option <name>=<canonical value>" line per
 * option the line set (in the order of cmdline_options.def), one
 * "unknown \"<token>\"" line per unrecognised token, "passthrough" when
 * "--" was present, and warnings for malformed values, an unterminated
 * quote and truncation.
 */
#ifndef RELBOOT_CMDLINE_REPORT_H
#define RELBOOT_CMDLINE_REPORT_H

#include "cmdline/cmdline.h"
#include "lib/console.h"

namespace relboot {

/* raw, raw_len: the command line that was parsed into options. */
void cmdline_report(const Options& options, const CmdlineSpans& spans, const char* raw, uint32_t raw_len,
                    Console& con);

} // namespace relboot

#endif
