"""The `servicegraph` command: one subcommand per module in `servicegraph.commands`.

Each command module defines `HELP` (one line), `add_arguments(parser)` and
`run(args) -> int` (the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from loaders.errors import CatalogueError

COMMANDS = ("parse", "build", "validate", "statutes", "serve", "diff")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="servicegraph", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"servicegraph.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"servicegraph.commands.{name}":
                raise
            continue  # a command not written yet
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
