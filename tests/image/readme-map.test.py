"""Checks that the docs match the tree (see readme-map.test).

usage: readme-map.test.py ROOT               check the tree at ROOT
       readme-map.test.py --self-test ROOT   also prove that each kind of drift is caught

README.md's "What is where" is a table whose first column names folders
(or files) in backquotes.  The check fails when
  - a path that the map names does not exist (a name ending in / must be
    a folder);
  - a folder is named by no row of the map, neither itself nor a path
    inside it: every top-level folder (but dot-folders and build/), every
    folder at any depth under arch/x86/boot/, arch/x86/include/ and
    include/relboot/, and every folder directly under tests/;
  - README.md or a docs/*.md page writes a path under arch/x86/, include/,
    tools/, linker/ or tests/ that does not exist (`<name>` and `*` stand
    for any part of a name, {a,b} for either; a tool may be named without
    its source's extension);
  - a relative link in those pages points at no file.
Prints "readme-map: ok ..." or one "readme-map: FAIL: ..." line per problem.
"""
import glob
import os
import re
import sys

MAP_HEADING = "## What is where"
# Folders whose every subfolder, at any depth, must be in the map; tests/ at depth 1 only.
MAPPED_TREES = ("arch/x86/boot/", "arch/x86/include/", "include/relboot/")
# A path the docs write: one of these prefixes, not inside another path (Documentation/arch/x86/...).
PATH_RE = re.compile(r"(?<![\w./<>*-])((?:arch/x86|include|tools|linker|tests)/[\w./*<>{},-]*)")
LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def skipped(name):
    return name.startswith(".") or name == "__pycache__"


def tree_folders(root):
    """The folders the map must name, each as 'a/b/'."""
    want = set()
    for name in os.listdir(root):
        if os.path.isdir(os.path.join(root, name)) and not skipped(name) and name != "build":
            want.add(name + "/")
    for top in MAPPED_TREES:
        for dirpath, dirnames, _ in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if not skipped(d)]
            for d in dirnames:
                want.add(os.path.relpath(os.path.join(dirpath, d), root) + "/")
    tests = os.path.join(root, "tests")
    for name in os.listdir(tests):
        if os.path.isdir(os.path.join(tests, name)) and not skipped(name):
            want.add("tests/" + name + "/")
    return want


def map_paths(readme):
    """The paths in the first column of the "What is where" table, with their line numbers."""
    lines = readme.split("\n")
    try:
        start = lines.index(MAP_HEADING)
    except ValueError:
        return None
    paths = []
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if line.startswith("## "):
            break
        if not line.startswith("|") or re.match(r"^\|\s*-", line):
            continue
        first = line.split("|")[1]
        paths += [(p, n + 1) for p in re.findall(r"`([^`]+)`", first)]
    return paths


def expand(path):
    """A written path as glob patterns: <placeholder> and * match any part of a name, {a,b} either."""
    path = re.sub(r"<[^>/]*>", "*", path)
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",") for p in expand(path[:m.start()] + alt + path[m.end():])]


def exists(root, path):
    """Whether the written path names something; a tool under tools/ may be named without the
    extension of its source (tools/optdoc is built from tools/optdoc.cpp)."""
    patterns = expand(path)
    if path.startswith("tools/"):
        patterns += [p + ".*" for p in patterns]
    return any(glob.glob(os.path.join(root, p)) for p in patterns)


def check(root, readme, pages, folders):
    """Every problem as one message; pages maps a page's path (relative to root) to its text."""
    errors = []
    paths = map_paths(readme)
    if not paths:
        return [f'README.md has no "{MAP_HEADING}" table with paths in its first column']
    for path, line in paths:
        target = os.path.join(root, path)
        if path.endswith("/") and not os.path.isdir(target):
            errors.append(f"README.md:{line}: the map names {path}, which is not a folder")
        elif not os.path.exists(target):
            errors.append(f"README.md:{line}: the map names {path}, which does not exist")
    named = [p for p, _ in paths]
    for folder in sorted(folders):
        if not any(p == folder or p.startswith(folder) for p in named):
            errors.append(f"folder {folder} is not in README.md's map")
    for page, text in sorted(pages.items()):
        for n, line in enumerate(text.split("\n"), 1):
            for written in PATH_RE.findall(line):
                written = written.rstrip(".,")
                if not exists(root, written):
                    errors.append(f"{page}:{n}: {written} does not exist")
            for link in LINK_RE.findall(line):
                if re.match(r"^[a-z]+:", link) or link.startswith("#"):
                    continue
                target = os.path.normpath(os.path.join(root, os.path.dirname(page), link.split("#")[0]))
                if not os.path.exists(target):
                    errors.append(f"{page}:{n}: the link ({link}) points at no file")
    return errors


def load(root):
    pages = {"README.md": open(os.path.join(root, "README.md"), encoding="utf-8").read()}
    for path in sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        pages[os.path.relpath(path, root)] = open(path, encoding="utf-8").read()
    return pages


def self_test(root, pages, folders):
    """Each kind of drift, made in memory, must give the message expected; prints the first one."""
    readme = pages["README.md"]
    row = next(line for line in readme.split("\n") if line.startswith("| `arch/x86/boot/smp/`"))
    cases = [
        ("a new folder", readme, pages, folders | {"arch/x86/boot/newstep/"},
         "folder arch/x86/boot/newstep/ is not in README.md's map"),
        ("a row removed", readme.replace(row + "\n", ""), pages, folders,
         "folder arch/x86/boot/smp/ is not in README.md's map"),
        ("a row for a folder that is gone", readme.replace(row, row + "\n| `arch/x86/boot/gone/` | x | 1 |"),
         pages, folders, "the map names arch/x86/boot/gone/, which is not a folder"),
        ("an old path in a page", readme, dict(pages, **{"docs/x.md": "see arch/x86/boot/head32.S."}), folders,
         "docs/x.md:1: arch/x86/boot/head32.S does not exist"),
        ("a broken link", readme, dict(pages, **{"docs/x.md": "[the SMP page](smp-old.md)"}), folders,
         "docs/x.md:1: the link (smp-old.md) points at no file"),
    ]
    failed = False
    for what, text, case_pages, case_folders, expected in cases:
        errors = check(root, text, dict(case_pages, **{"README.md": text}), case_folders)
        caught = [e for e in errors if expected in e]
        print(f"self-test: {what}: {caught[0] if caught else 'NOT CAUGHT'}")
        failed = failed or not caught
    return failed


def main():
    args = sys.argv[1:]
    selftest = args[:1] == ["--self-test"]
    root = args[-1]
    pages, folders = load(root), tree_folders(root)
    errors = check(root, pages["README.md"], pages, folders)
    for e in errors:
        print(f"readme-map: FAIL: {e}")
    if not errors:
        print(f"readme-map: ok: {len(folders)} folders in the map, {len(pages)} pages checked")
    if selftest and self_test(root, pages, folders):
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
