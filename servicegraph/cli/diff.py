"""`servicegraph diff OLD NEW`: what changed between two revisions of a catalogue.

OLD and NEW are catalogue files, or revision ids (or `current`) of the store in
`--data-dir`. Exit status: 0, or 2 when one cannot be read (file and line named).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from servicegraph.cli.arguments import add_base_argument
from servicegraph.graph.diff import change_set_graph, diff_catalogues, to_text
from servicegraph.graph.namespaces import base_iri
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.loaders.records import Catalogue
from servicegraph.store.revisions import RevisionError, RevisionStore

HELP = "show what changed between two revisions (files or revision ids): items, fields, citations"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the older catalogue file, or a revision id")
    parser.add_argument("new", metavar="NEW", help="the newer catalogue file, or a revision id")
    parser.add_argument(
        "--format", choices=("text", "json", "turtle"), default="text",
        help="text: changes grouped by item, to read; json; turtle: the change set as RDF",
    )  # fmt: skip
    parser.add_argument("--data-dir", type=Path, help="revision store to look revision ids up in")
    add_base_argument(parser, default="the store's")


def _load(spec: str, store: RevisionStore | None) -> Catalogue:
    """A file if one is there, else a revision of `store`."""
    if Path(spec).exists() or store is None:
        return read_catalogue(spec)
    return store.catalogue(spec)


def run(args: argparse.Namespace) -> int:
    if args.data_dir and not (args.data_dir / "store.json").exists():
        print(f"error: {args.data_dir} is not a revision store", file=sys.stderr)
        return 2
    try:
        store = RevisionStore(args.data_dir, args.base, read_only=True) if args.data_dir else None
        base = store.base if store else base_iri(args.base)
        old, new = _load(args.old, store), _load(args.new, store)
    except (RevisionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changes = diff_catalogues(old, new, base)
    if args.format == "json":
        sys.stdout.write(json.dumps(changes.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "turtle":
        sys.stdout.write(change_set_graph(changes).serialize(format="turtle"))
    else:
        sys.stdout.write(to_text(changes))
    return 0
