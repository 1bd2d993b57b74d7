# The host unit tests (GoogleTest, built with ASan and UBSan by
# `make unit-tests` into build/unit): every test of the binary is one lit test.
import os

import lit.formats

config.name = "relboot-unit"
build = lit_config.params.get("build_dir")
if not build:
    lit_config.fatal("run through `make check` (needs --param build_dir=...)")
config.test_source_root = os.path.join(build, "unit")
config.test_exec_root = os.path.join(build, "unit")
config.test_format = lit.formats.GoogleTest(".", "Tests")
