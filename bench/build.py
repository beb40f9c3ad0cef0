"""Parse, build and validation times for the seed and for an N× catalogue made from its rows.

Run: .venv/bin/python bench/build.py [--times 100] [--repeat 3]
The N× catalogue is bench/catalogues.py's `multiplied`: the seed's rows repeated, numbers
(and 同第N项 references) continuing, each copy's names and contents marked "·k".
Prints the best of `--repeat` runs of each step for the seed, one run for the N×
catalogue (wall clock, and for build and validation the CPU time: on a shared machine
the CPU time is the steadier figure), the validation's result count, and the peak
memory of the process.
"""

from __future__ import annotations

import argparse
import resource
from pathlib import Path

from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.graph.build import build_graph
from servicegraph.graph.validate import validate
from servicegraph.loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def measure(label: str, data: bytes, repeat: int) -> str:
    """One line of figures for the catalogue `data`."""
    parse_s, _, catalogue = best(repeat, parse_catalogue, data, label)
    build_s, build_cpu, graph = best(repeat, build_graph, catalogue)
    validate_s, validate_cpu, report = best(repeat, validate, graph)
    return (
        f"{label:>5}: {len(catalogue.items):>6} items  parse {parse_s:7.3f} s"
        f"  build {build_s:7.3f} s (cpu {build_cpu:7.3f} s)"
        f"  validate {validate_s:8.3f} s (cpu {validate_cpu:8.3f} s, {len(report.results)} results)"
        f"  {len(graph):>8} triples  ({1e6 * build_cpu / len(graph):.1f} µs build cpu/triple)"
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
