"""The builder's per-triple cost, and which way into pyoxigraph is faster, side by side.

Run: .venv/bin/python bench/build.py [--times 100] [--repeat 3]
The N× catalogue is bench/catalogues.py's `multiplied`: the seed's rows repeated, numbers
(and 同第N项 references) continuing, each copy's names and contents marked "·k".
For the seed (best of `--repeat`) and the N× catalogue (one run), wall clock and CPU
seconds (on a shared machine the CPU time is the steadier figure) of:
  graph    `build_graph`: the stream added to an rdflib Graph (the old way, for small uses)
  stream   `CatalogueTriples` iterated (rdflib terms, nothing kept)
  nt       the stream written as N-Triples lines (graph/ntriples.py)
  load nt  those lines parsed by pyoxigraph's bulk loader into an in-memory store
  load ox  the stream as pyoxigraph terms (store/oxigraph.py's to_oxigraph_triple) given
           to `bulk_extend` of an in-memory store
and the CPU µs per triple of each. The process's peak memory comes last.
"""

from __future__ import annotations

import argparse
import resource
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.graph import ntriples
from servicegraph.graph.build import CatalogueTriples, build_graph
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue
from servicegraph.store.oxigraph import to_oxigraph_triple

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def _count(catalogue: Catalogue) -> int:
    return sum(1 for _ in CatalogueTriples(catalogue))


def _nt(catalogue: Catalogue) -> int:
    return sum(1 for _ in ntriples.lines(CatalogueTriples(catalogue)))


def _load_nt(catalogue: Catalogue) -> int:
    store = ox.Store()
    ntriples.load(store, ntriples.lines(CatalogueTriples(catalogue)))
    return len(store)


def _load_ox(catalogue: Catalogue) -> int:
    store = ox.Store()
    store.bulk_extend(ox.Quad(*to_oxigraph_triple(*t)) for t in CatalogueTriples(catalogue))
    return len(store)


WAYS: dict[str, Callable[[Catalogue], object]] = {
    "graph": build_graph,
    "stream": _count,
    "nt": _nt,
    "load nt": _load_nt,
    "load ox": _load_ox,
}


def measure(label: str, data: bytes, repeat: int) -> str:
    """One line of figures for the catalogue `data`."""
    parse_s, _, catalogue = best(repeat, parse_catalogue, data, label)
    triples = _count(catalogue)
    figures = []
    for name, way in WAYS.items():
        wall, cpu, _ = best(repeat, way, catalogue)
        figures.append(f"{name} {wall:6.2f} s (cpu {cpu:6.2f} s, {1e6 * cpu / triples:4.1f} µs/triple)")
    return f"{label:>5}: {len(catalogue.items):>6} items {triples:>8} triples  parse {parse_s:6.2f} s  " + "  ".join(
        figures
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    print(measure("seed", seed, args.repeat), flush=True)
    print(measure(f"{args.times}x", multiplied(seed, args.times), 1))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
