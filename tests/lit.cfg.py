# relboot's lit test suite: image checks (tests/image) and boot tests
# through GRUB2 under QEMU (tests/boot).  The host unit tests are a suite
# of their own (tests/unit/lit.cfg.py).  Run by `make check`, which builds
# the images first and passes --param build_dir=<abs path of build/>.
import os

import lit.formats

config.name = "relboot"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
# tests/long (make check-long) runs only when named: lit tests/long.
config.excludes = ["unit", "fuzz", "long"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(config.test_source_root)

build = lit_config.params.get("build_dir")
if not build:
    lit_config.fatal("run through `make check` (needs --param build_dir=...)")
config.test_exec_root = os.path.join(build, "lit")

llvm_bin = "/usr/lib/llvm-14/bin"
config.environment["PATH"] = os.pathsep.join([llvm_bin, os.path.join(root, "tools"), os.environ.get("PATH", "")])
config.environment["RELBOOT_ROOT"] = root

# Images built by `make check`: both BASE variants with the default
# relocation knobs (preference high), with preference low and none, and
# with PAD=20M, and with EFI_BS=no (no EFI amd64 entry: GRUB on OVMF exits
# boot services and uses the i386 entry).  Longer names first: lit
# substitutes in list order.
IMAGES = {
    "relboot-fs-noefibs": "fs-noefibs", "relboot-noefibs": "ebp-noefibs",
    "relboot-fs-none": "fs-none", "relboot-fs-low": "fs-low", "relboot-fs-pad": "fs-pad20M",
    "relboot-none": "ebp-none", "relboot-low": "ebp-low", "relboot-pad": "ebp-pad20M",
    "relboot-fs": "fs", "relboot": "ebp",
}
for name, folder in IMAGES.items():
    config.substitutions.append(("%" + name, os.path.join(build, folder, "relboot.elf")))
# The example hypervisor (`make example`, examples/hypervisor/): relboot's objects with its
# strong hypervisor_entry(), one per BASE variant.
for variant in ("ebp", "fs"):
    config.substitutions.append(("%example-" + variant, os.path.join(build, variant, "example", "relboot-example.elf")))
config.substitutions.append(("%root", root))
config.substitutions.append(("%boot", os.path.join(root, "tools", "boot-test")))
config.substitutions.append(("%check-report", "python3 " + os.path.join(root, "tools", "check-report.py")))
config.substitutions.append(("%check-modules", "python3 " + os.path.join(root, "tools", "check-modules.py")))
config.substitutions.append(("%mb2-header", "python3 " + os.path.join(root, "tools", "mb2-header.py")))
config.substitutions.append(("%optdoc", os.path.join(build, "tools", "optdoc")))
config.substitutions.append(("%msrdoc", os.path.join(build, "tools", "msrdoc")))

# Linux-payload inputs built by `make payload-inputs` (tests/payload): Debian's
# kernel, the same with relocatable_kernel cleared, and the test initramfs.
# %vmlinuz-nonreloc before %vmlinuz (list order).
linux = os.path.join(build, "linux")
config.substitutions.append(("%vmlinuz-nonreloc", os.path.join(linux, "vmlinuz-nonreloc")))
config.substitutions.append(("%vmlinuz", os.path.join(linux, "vmlinuz")))
config.substitutions.append(("%initramfs", os.path.join(linux, "initramfs.cpio.gz")))
config.substitutions.append(("%pvh-image", os.path.join(root, "tools", "pvh-image")))
config.substitutions.append(("%linux-boot", os.path.join(root, "tools", "linux-boot")))
config.substitutions.append(("%mkiso", os.path.join(root, "grub", "mkiso")))

# The hostile guests that attack guest=svm (tests/svm/), built by `make
# svm-guests` from tests/svm/guests/: tiny bzImages of GNU assembly, booted
# as module 0 through `qemu-boot --kernel` (relboot's multiboot1 entry).
svm_guests = os.path.join(build, "svm")
for guest in ("hello", "initsipi", "ipi", "msr", "virt"):
    config.substitutions.append(("%svm-guest-" + guest, os.path.join(svm_guests, guest + ".bzimage")))

# A second emulator and a network loader: Bochs (tests/bochs; it has no
# isa-debug-exit, bochs-boot stops it on relboot's last line) and iPXE under
# QEMU (tests/ipxe); serial-lines.py checks a raw serial log's lines whole.
config.substitutions.append(("%bochs-boot", os.path.join(root, "tools", "bochs-boot")))
config.substitutions.append(("%ipxe-boot", os.path.join(root, "tools", "ipxe-boot")))
config.substitutions.append(("%serial-lines", "python3 " + os.path.join(root, "tools", "serial-lines.py")))

# The install tests (tests/install): update-grub's script as `make install` installs it.
config.substitutions.append(("%grub-d", os.path.join(root, "grub", "grub.d", "20_relboot")))

# No lit time-out (it needs psutil): every QEMU run has its own (tools/qemu-boot --timeout).
