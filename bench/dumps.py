"""N-Triples dumps of bench/catalogues.py's N× catalogues, built once and kept for reuse.

    .venv/bin/python bench/dumps.py --copies 1000 [--directory /tmp/servicegraph-dumps]

Building a 1000× graph in one rdflib graph takes tens of minutes and ~10 GB, so the
catalogue is built in parts of at most `PART` copies (copies `first` … `first + PART - 1`,
numbered and named apart as in one catalogue), each written as its own N-Triples file.
Loaded together they are the N× graph, except that each part is its own revision (its own
`dct:isPartOf` and source rows): the API's queries read neither. A part already on disk
is reused.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox
from catalogues import multiplied  # bench/catalogues.py (the script's directory)

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
PART = 100
"""Copies per part: a 100× graph builds in about a minute and 2 GB."""


def part_files(copies: int, directory: Path) -> list[Path]:
    """The N-Triples files that together hold the `copies`× graph, building those missing."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for first in range(0, copies, PART):
        n = min(PART, copies - first)
        path = directory / f"copies-{first}-{first + n - 1}.nt"
        if not path.exists():
            _write_part(first, n, path)
        files.append(path)
    return files


def _write_part(first: int, n: int, path: Path) -> None:
    from servicegraph.graph.build import build_graph
    from servicegraph.loaders.catalogue import parse_catalogue
    from servicegraph.store.oxigraph import to_oxigraph_triple

    graph = build_graph(parse_catalogue(multiplied(SEED.read_bytes(), n, first), SEED.name))
    triples = (ox.Triple(*to_oxigraph_triple(*t)) for t in graph)
    partial = path.with_suffix(".partial")
    ox.serialize(triples, str(partial), ox.RdfFormat.N_TRIPLES)
    partial.rename(path)  # a stopped run leaves no half part under the final name
    print(f"wrote {path} ({len(graph)} triples)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, required=True)
    parser.add_argument("--directory", type=Path, default=Path("/tmp/servicegraph-dumps"))
    args = parser.parse_args()
    for path in part_files(args.copies, args.directory):
        print(path)


if __name__ == "__main__":
    main()
