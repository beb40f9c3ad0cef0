"""The `servicegraph` command: one subcommand per module in `servicegraph.cli`.

Each command module defines `HELP` (one line), `add_arguments(parser)` and
`run(args) -> int` (the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys

import servicegraph
from servicegraph.loaders.errors import CatalogueError
from servicegraph.store.errors import DumpError

COMMANDS = ("parse", "build", "validate", "statutes", "serve", "push", "diff", "currency", "impact")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="servicegraph", description=servicegraph.__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = modules[name] = importlib.import_module(f"servicegraph.cli.{name}")
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (status 2) or --help (0): returned, like any status
        return int(exc.code or 0)
    try:
        return modules[args.command].run(args)
    except (CatalogueError, DumpError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
