"""What validation options cost: RDFS inference and a copied data graph, beside plain validation.

    .venv/bin/python bench/validate.py [--scale 1 10] [--repeat 3]

bench/build.py times validation itself (`graph.validate.validate`: pyshacl with our
shapes, no inference, advanced=True, the data validated in place) for the seed and one
N× catalogue. This script measures what it leaves out, at several scales side by side:
the same validation with RDFS inference, and pyshacl copying the data graph first (its
default, which `validate` avoids). For each scale (bench/catalogues.py's `multiplied`:
the seed's rows that many times, no copy duplicating another's name or content) it
prints the result count, the best of `--repeat` runs of plain validation and one run
of each of the others.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyshacl
from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.graph.build import build_graph
from servicegraph.graph.validate import load_shapes, validate
from servicegraph.loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def measure(data: bytes, repeat: int) -> str:
    """One line of figures for the catalogue `data`."""
    catalogue = parse_catalogue(data, "bench")
    graph = build_graph(catalogue)
    ours, _, report = best(repeat, validate, graph)
    rdfs, _, _ = best(1, validate, graph, inference="rdfs")
    copied, _, _ = best(1, pyshacl.validate, graph, shacl_graph=load_shapes(), advanced=True, allow_warnings=True)
    return (
        f"{len(catalogue.items):>7} {len(graph):>9} {len(report.results):>8} {ours:>11.2f} {rdfs:>8.2f} {copied:>9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    print(f"{'items':>7} {'triples':>9} {'results':>8} {'validate s':>11} {'rdfs s':>8} {'copied s':>9}")
    for times in args.scale:
        print(measure(multiplied(seed, times), args.repeat), flush=True)


if __name__ == "__main__":
    main()
