"""mypy over the servicegraph package as it installs, reporting errors at the files' own paths.

mypy names a module by its folders alone (loaders/x.py would be `loaders.x`), and
`mypy -p servicegraph` cannot follow an editable install's import hook. So each module is
handed to mypy under its installed name, read from pyproject's `packages` and `package-dir`
(loaders/x.py is `servicegraph.loaders.x`). Options come from `[tool.mypy]` and the command line.

Run: .venv/bin/python tools/typecheck.py [mypy options]
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from mypy.build import build
from mypy.errors import CompileError
from mypy.main import process_options
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[BuildSource]:
    """Every module of every package in pyproject, with its path relative to the checkout."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = []
    for package in setuptools["packages"]:
        folder = Path(setuptools.get("package-dir", {}).get(package, package.replace(".", "/")))
        for path in sorted((ROOT / folder).glob("*.py")):
            module = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found.append(BuildSource(str(folder / path.name), module))
    return found


def main(args: list[str]) -> int:
    os.chdir(ROOT)  # pyproject's [tool.mypy] and the paths in messages are the checkout's
    _, options = process_options(args, require_targets=False)
    modules = sources()
    try:
        messages = build(modules, options).errors
    except CompileError as exc:  # a syntax error: mypy stops at once
        messages = exc.messages
    print("\n".join(messages) if messages else f"Success: no issues found in {len(modules)} source files")
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
