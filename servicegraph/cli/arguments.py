"""Argument types the commands share, and the environment's defaults (read once)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from servicegraph.api.settings import Settings
from servicegraph.graph.namespaces import DEFAULT_BASE, base_iri
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.loaders.dates import parse_date
from servicegraph.loaders.records import Catalogue
from servicegraph.loaders.status import StatusTable, read_status
from servicegraph.store.revisions import RevisionError, RevisionStore


@cache
def environment() -> Settings:
    """Defaults from the environment ($SERVICEGRAPH_BASE, $SERVICEGRAPH_UPLOAD_TOKEN)."""
    return Settings.from_env()


def at_least(least: float, kind: Callable[[str], float] = int) -> Callable[[str], float]:
    """An argparse type: a number of `kind` no smaller than `least` (a usage error otherwise)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not {'a whole number' if kind is int else 'a number'}: {text!r}"
            ) from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}: {text}")
        return value

    return parse


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
        default=environment().base,
        help=f"base IRI of minted IRIs (default: $SERVICEGRAPH_BASE, else {default})",
    )


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """`--data-dir DIR`: the revision store that revision ids name revisions of."""
    parser.add_argument("--data-dir", type=Path, help="revision store to look revision ids up in")


def revision_store(data_dir: Path | None, base: str | None) -> RevisionStore | None:
    """The revision store in `data_dir`, None without one; RevisionError when the folder
    holds none (it is not created)."""
    if data_dir is None:
        return None
    if not (data_dir / "store.json").exists():
        raise RevisionError(f"{data_dir} is not a revision store")
    return RevisionStore(data_dir, base, read_only=True)


def load_catalogue(spec: str, store: RevisionStore | None) -> Catalogue:
    """A catalogue file if one is at `spec`, else the revision `spec` (an id or `current`)
    of `store`; CatalogueError or RevisionError when it cannot be had."""
    if Path(spec).exists() or store is None:
        return read_catalogue(spec)
    return store.catalogue(spec)


def _date(text: str) -> date:
    found = parse_date(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a date (e.g. 2019-06-30): {text!r}")
    return found


def add_status_arguments(parser: argparse.ArgumentParser, status_help: str) -> None:
    """`--status [FILE…]` (statute status files) and `--catalogue-date DATE`."""
    parser.add_argument("--status", nargs="*", type=Path, metavar="FILE", help=status_help)
    parser.add_argument(
        "--catalogue-date", type=_date, metavar="DATE",
        help="the catalogue's own date, the date its citations are read at"
        " (default: the date its title writes, if any; else every amendment counts as later)",
    )  # fmt: skip


def status_tables(files: list[Path] | None) -> list[StatusTable] | None:
    """The status files named (None or none named: the shipped table, `graph.status.status_layer`)."""
    return [read_status(f) for f in files] if files else None
