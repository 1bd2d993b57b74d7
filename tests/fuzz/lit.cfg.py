# The fuzz targets (build/fuzz, by `make fuzzers`): each runs for fuzz_time
# seconds (make check: FUZZ_TIME) from its corpus in tests/fuzz/corpus and
# must find nothing.  New inputs go to a scratch folder, not the tree.
import os

import lit.formats

config.name = "relboot-fuzz"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
build = lit_config.params.get("build_dir")
if not build:
    lit_config.fatal("run through `make check` (needs --param build_dir=...)")
config.test_exec_root = os.path.join(build, "lit-fuzz")
fuzz_time = lit_config.params.get("fuzz_time", "20")
config.substitutions.append(("%fuzz_time", fuzz_time))
config.substitutions.append(("%fuzzers", os.path.join(build, "fuzz")))
config.environment["PATH"] = os.pathsep.join(["/usr/lib/llvm-14/bin", os.environ.get("PATH", "")])
