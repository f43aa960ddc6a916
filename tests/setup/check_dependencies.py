#!/usr/bin/python3
"""Every Python module and every program that meridian's tests, scripts and docs use comes from a
Debian package that scripts/setup.sh installs, directly or through a Depends/Pre-Depends chain (what
`apt-get install --no-install-recommends` brings), or from a package every Debian system has
(Essential or Priority required). A package someone installed by hand on this machine hides a missing
install step until a brand-new machine fails; this check fails here first.

What "uses" means, found statically:
- Python: `import` / `from ... import` in every .py file under scripts/ and tests/, in Python
  embedded in shell scripts (heredocs and `python3 -c`), and in the ```python blocks of README.md and
  docs/*.md; plus the modules a call loads at run time (RUNTIME_MODULES: `xarray.open_mfdataset`
  imports dask only when called).
- Programs: the first word of each command in the shell scripts under scripts/, tests/ and .ci/,
  and the programs that RUNTIME_PROGRAMS lists for calls that start them (matplotlib's FFMpegWriter).
A module or program that is not installed at all is reported too.

usage: check_dependencies.py REPO_ROOT     (exit 0: all covered; 1: not; 77: not a Debian system)
"""
import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys

# Calls that import or run something only when they execute, so an import scan cannot see it.
RUNTIME_MODULES = {"open_mfdataset": "dask"}
RUNTIME_PROGRAMS = {"FFMpegWriter": "ffmpeg", "writer=\"ffmpeg\"": "ffmpeg"}
# Shell words in command position that are not programs on PATH.
SHELL_WORDS = set("""
    if then else elif fi for while until do done case esac in function select time ! { } [[ ]] [
    echo printf read local export source . set unset trap return exit shift wait cd pwd declare
    typeset readonly eval exec command builtin type let true false test kill ulimit umask getopts
    hash alias unalias shopt break continue mapfile readarray pushd popd dirs jobs fg bg disown
""".split())
PREFIX_WORDS = {"time", "exec", "command", "nohup", "nice", "env", "xargs", "timeout", "!",
                "then", "do", "else", "elif", "if", "while", "until", "sudo", "runuser"}


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


def setup_packages(root):
    out = run("bash", os.path.join(root, "scripts", "setup.sh"), "--list")
    if out.returncode != 0:
        sys.exit(f"scripts/setup.sh --list failed: {out.stderr.strip()}")
    return set(out.stdout.split())


def installed_packages():
    """name -> (depends text, provides list, is_base) for every installed package."""
    fmt = "${Package}\t${db:Status-Status}\t${Essential}\t${Priority}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    out = run("dpkg-query", "-W", "-f", fmt)
    packages = {}
    for line in out.stdout.splitlines():
        name, status, essential, priority, depends, provides = line.split("\t")
        if status != "installed":
            continue
        provided = [p.split()[0].split(":")[0] for p in provides.split(",") if p.strip()]
        packages[name] = (depends, provided, essential == "yes" or priority == "required")
    return packages


def closure(roots, packages):
    """The installed packages that installing `roots` without recommends brings, plus the base system."""
    providers = {}
    for name, (_, provided, _) in packages.items():
        for p in provided:
            providers.setdefault(p, []).append(name)
    wanted = set(roots) | {n for n, (_, _, base) in packages.items() if base}
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name not in packages:
            continue
        for clause in packages[name][0].split(","):
            for alternative in clause.split("|"):
                dep = alternative.strip().split(" ")[0].split(":")[0]
                if not dep:
                    continue
                names = [dep] if dep in packages else providers.get(dep, [])
                if names:  # the first installed alternative is the one apt would keep
                    for n in names:
                        if n not in wanted:
                            wanted.add(n)
                            todo.append(n)
                    break
    return wanted


def owners(paths):
    """path -> the package that ships it, for every path dpkg knows (one dpkg-query for all: each
    call reads the whole package database). usrmerge: dpkg may know a file under /bin or /lib."""
    candidates = {}
    for path in paths:
        names = [path, os.path.realpath(path)]
        for p in list(names):
            for merged, plain in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/usr/lib/", "/lib/")):
                if p.startswith(merged):
                    names.append(plain + p[len(merged):])
        candidates[path] = names
    found = {}
    out = run("dpkg-query", "-S", *sorted({n for names in candidates.values() for n in names}))
    for line in out.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        package, file = line.split(": ", 1)
        found.setdefault(file, package.split(",")[0].split(":")[0].strip())
    return {path: next((found[n] for n in names if n in found), None) for path, names in candidates.items()}


def python_sources(root):
    """(where, python source text) for every piece of Python the repo runs or shows."""
    for folder in ("scripts", "tests"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in files:
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                text = open(path, encoding="utf-8", errors="replace").read()
                if path == os.path.abspath(__file__):
                    continue  # its own tables name what it looks for
                if f.endswith(".py") or text.startswith("#!/usr/bin/python3"):
                    yield rel, text
                elif f.endswith(".sh") or text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash"):
                    for m in re.finditer(r"python3[^\n]*<<-?\s*'?(\w+)'?\n(.*?)\n\1\n", text, re.S):
                        yield rel + " (heredoc)", m.group(2)
                    for m in re.finditer(r"python3 -c \"([^\"]*)\"|python3 -c '([^']*)'", text):
                        yield rel + " (-c)", m.group(1) or m.group(2)
    docs = [os.path.join(root, "README.md")]
    docs += [os.path.join(root, "docs", f) for f in sorted(os.listdir(os.path.join(root, "docs"))) if f.endswith(".md")]
    for path in docs:
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"```python\n(.*?)```", text, re.S):
            yield os.path.relpath(path, root), m.group(1)
        for m in re.finditer(r"`(xarray\.\w+)\(", text):  # inline examples such as `xarray.open_mfdataset(...)`
            yield os.path.relpath(path, root), "import xarray\n" + m.group(1)


def imported_modules(where, text, local_names):
    modules = set()
    try:
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    except SyntaxError:  # a snippet that is not a whole program: fall back to the import lines
        for m in re.finditer(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", text, re.M):
            modules.add(m.group(1))
    for call, module in RUNTIME_MODULES.items():
        if call in text:
            modules.add(module)
    return {m for m in modules if m not in local_names and m != "__future__"}


def shell_files(root):
    for folder in ("scripts", "tests", ".ci"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in files:
                path = os.path.join(dirpath, f)
                head = open(path, encoding="utf-8", errors="replace").read(64)
                if f.endswith((".sh", ".sbatch")) or f == "run" or head.startswith(("#!/usr/bin/env bash", "#!/bin/bash", "#!/bin/sh")):
                    yield path


def commands_in_shell(text):
    """First words of commands in a shell script; heredoc bodies and comments are skipped."""
    words = set()
    heredoc = None
    for line in text.splitlines():
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        m = re.search(r"<<-?\s*'?\"?(\w+)", line)
        if m:
            heredoc = m.group(1)
        line = re.sub(r"(^|\s)#.*$", "", line)
        line = re.sub(r"'[^']*'|\"[^\"$]*\"", "''", line)  # literal strings: no commands inside
        for part in re.split(r"\|\||&&|[|;`]|\$\(|\(|\)", line):
            tokens = part.split()
            while tokens and (tokens[0] in PREFIX_WORDS or re.match(r"^\w+=", tokens[0]) or tokens[0].startswith("-")
                              or tokens[0].isdigit() or re.match(r"^\d+[smh]?$", tokens[0])):
                tokens.pop(0)
            if tokens and re.match(r"^[a-z][a-z0-9._+-]*$", tokens[0]) and tokens[0] not in SHELL_WORDS:
                words.add(tokens[0])
    for call, program in RUNTIME_PROGRAMS.items():
        if call in text:
            words.add(program)
    return words


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = os.path.abspath(sys.argv[1])
    if not shutil.which("dpkg-query"):
        print("not a Debian system: nothing to check")
        return 77
    packages = installed_packages()
    listed = setup_packages(root)
    covered = closure(listed, packages)
    problems = []
    local_names = {os.path.splitext(f)[0] for _, _, files in os.walk(root) for f in files if f.endswith(".py")}

    users = {}
    for where, text in python_sources(root):
        for module in imported_modules(where, text, local_names):
            users.setdefault(module, []).append(where)
        for call, program in RUNTIME_PROGRAMS.items():
            if call in text:
                users.setdefault("program:" + program, []).append(where)
    for path in shell_files(root):
        for word in commands_in_shell(open(path, encoding="utf-8", errors="replace").read()):
            users.setdefault("program:" + word, []).append(os.path.relpath(path, root))

    resolved = []  # (what, path, first user)
    for name, where in sorted(users.items()):
        if name.startswith("program:"):
            program = name[len("program:"):]
            path = shutil.which(program, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            if path is None:
                continue  # a function, or a program the scripts find elsewhere (the build's own binaries)
            resolved.append((f"program '{program}' ({path})", path, where[0]))
        else:
            spec = importlib.util.find_spec(name)
            if spec is None:
                problems.append(f"Python module '{name}' (used by {where[0]}) is not installed")
            elif spec.origin not in (None, "built-in", "frozen"):
                resolved.append((f"Python module '{name}' ({spec.origin})", spec.origin, where[0]))
    package_of = owners([path for _, path, _ in resolved])
    for what, path, user in resolved:
        package = package_of[path]
        if package is None:
            problems.append(f"{what}, used by {user}, belongs to no Debian package (installed by hand?)")
        elif package not in covered:
            problems.append(f"{what}, used by {user}, comes from package '{package}', which scripts/setup.sh "
                            f"does not install (nor anything it depends on)")
    checked = len(resolved)
    for p in problems:
        print("FAIL:", p)
    print(f"{checked} modules and programs checked against {len(listed)} packages in scripts/setup.sh "
          f"({len(covered)} with their dependencies and the base system): {len(problems)} not covered")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
