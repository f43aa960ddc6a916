#!/usr/bin/python3
"""docs/tutorial.md shows the out-of-tree example's code in full; this keeps the two the same.

A fenced block whose caption (the line right above its opening fence) is a path under
tests/package/example/, written as `path`, **`path`** or path, optionally followed by a colon, must
equal that file byte for byte (the block's lines, each ended by a newline). Every file of the
example must be shown exactly once, so a file added to the example needs its block too.

usage: check_tutorial.py REPO_ROOT     (exit 0: the tutorial shows the example as it is; 1: not)
"""
import os
import re
import sys

EXAMPLE = "tests/package/example/"
TUTORIAL = "docs/tutorial.md"
CAPTION = re.compile(r"^\**`?(" + re.escape(EXAMPLE) + r"[^`*\s]+)`?\**:?$")
FENCE = re.compile(rb"^(`{3,}|~{3,})")


def captioned_blocks(text):
    """(path, first line number of the block's content, content bytes) for each captioned block."""
    lines = text.split(b"\n")
    blocks, n = [], 0
    while n < len(lines):
        opening = FENCE.match(lines[n])
        if not opening:
            n += 1
            continue
        fence, start = opening.group(1), n + 1
        end = start
        while end < len(lines) and not (lines[end].startswith(fence) and lines[end].strip() == fence):
            end += 1
        if end == len(lines):
            sys.exit(f"{TUTORIAL}:{n + 1}: a fenced block that never closes")
        caption = CAPTION.match(lines[n - 1].decode("utf-8", "replace").strip()) if n > 0 else None
        if caption:
            blocks.append((caption.group(1), start + 1, b"".join(line + b"\n" for line in lines[start:end])))
        n = end + 1
    return blocks


def first_difference(shown, actual):
    """1-based line number and both versions of the first line that differs."""
    a, b = shown.split(b"\n"), actual.split(b"\n")
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            return i + 1, x, y
    return None


def show(line):
    return "(no such line)" if line is None else repr(line.decode("utf-8", "replace"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    with open(os.path.join(root, TUTORIAL), "rb") as f:
        blocks = captioned_blocks(f.read())
    example_files = set()
    for dirpath, _, files in os.walk(os.path.join(root, EXAMPLE)):
        for name in files:
            example_files.add(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))

    errors, seen = [], {}
    for path, line, content in blocks:
        if path in seen:
            errors.append(f"{TUTORIAL}:{line}: {path} is shown again (first at line {seen[path]})")
            continue
        seen[path] = line
        if path not in example_files:
            errors.append(f"{TUTORIAL}:{line}: the caption names {path}, which is not a file of the example")
            continue
        with open(os.path.join(root, path), "rb") as f:
            actual = f.read()
        if content != actual:
            where, shown, real = first_difference(content, actual)
            errors.append(f"{TUTORIAL}:{line + where - 1}: the block differs from {path} at its line {where}:\n"
                          f"  tutorial: {show(shown)}\n  file:     {show(real)}")
    for path in sorted(example_files - set(seen)):
        errors.append(f"{TUTORIAL}: {path} is not shown (a fenced block captioned `{path}`)")

    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"check_tutorial: {TUTORIAL} and {EXAMPLE} have drifted apart; copy the file into the tutorial "
              "(or the tutorial's change into the file, and run the package test)", file=sys.stderr)
        return 1
    print(f"check_tutorial: {len(seen)} files of {EXAMPLE} shown in {TUTORIAL} as they are")
    return 0


if __name__ == "__main__":
    sys.exit(main())
