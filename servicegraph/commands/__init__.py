"""One module per subcommand: `HELP`, `add_arguments(parser)`, `run(args) -> int`."""

from __future__ import annotations

import argparse
import os

from graph.namespaces import DEFAULT_BASE, base_iri


def _base(text: str) -> str:
    try:
        return base_iri(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_base_argument(parser: argparse.ArgumentParser, default: str = DEFAULT_BASE) -> None:
    """`--base IRI`, checked while arguments are parsed ($SERVICEGRAPH_BASE is checked too)."""
    parser.add_argument(
        "--base",
        type=_base,
        default=os.environ.get("SERVICEGRAPH_BASE"),
        help=f"base IRI of minted IRIs (default: $SERVICEGRAPH_BASE, else {default})",
    )
