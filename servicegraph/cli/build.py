"""`servicegraph build FILE -o DIR`: the catalogue's graph as Turtle, N-Triples and JSON-LD,
plus its VoID/DCAT description."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from servicegraph.cli.arguments import add_base_argument
from servicegraph.cli.progress import Progress
from servicegraph.graph.build import CatalogueTriples
from servicegraph.graph.export import write_all
from servicegraph.graph.namespaces import base_iri
from servicegraph.loaders.catalogue import read_catalogue

HELP = "build the RDF graph of a catalogue and write it (Turtle, N-Triples, JSON-LD, VoID/DCAT)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file")
    parser.add_argument("-o", "--output", required=True, type=Path, help="directory to write into")
    add_base_argument(parser)


def run(args: argparse.Namespace) -> int:
    base = base_iri(args.base)
    catalogue = read_catalogue(args.file)
    generated = datetime.now(UTC).replace(microsecond=0)
    with Progress("building") as progress:
        built = CatalogueTriples(catalogue, base, generated, progress=progress)
        try:
            paths, counts = write_all(built, args.output)
        except OSError as exc:
            progress.close()
            print(f"error: cannot write to {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    print(f"{catalogue.source}: {len(catalogue.items)} items, {counts.triples} triples in graph <{built.revision}>")
    for path in paths:
        print(f"  wrote {path}")
    return 0
