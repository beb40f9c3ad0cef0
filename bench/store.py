"""rdflib's in-memory SPARQL engine against pyoxigraph on the project's own queries.

Each engine answers the shipped named queries of bench/workload.py over the seed graph,
parameters bound as the API binds them (rdflib: initBindings), and serialises the result
(SPARQL JSON, or Turtle for a graph), as the endpoint must. Prints the median
and p99 time per query and the ratio, measured side by side in one run.

    .venv/bin/python bench/store.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from workload import CASES, Case

from servicegraph.graph.build import build_graph
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.store.oxigraph import OxigraphStore
from servicegraph.store.snapshots import snapshot_from_graph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "dianjiang-township-services.txt"


def rdflib_runner(graph) -> Callable[[Case], int]:
    def run(case: Case) -> int:
        result = graph.query(case.text, initBindings=case.bindings)
        body = result.serialize(format="turtle" if result.type in ("CONSTRUCT", "DESCRIBE") else "json")
        return len(body)

    return run


def oxigraph_runner(store: OxigraphStore) -> Callable[[Case], int]:
    return lambda case: len(store.execute(case.request()).body)


def timings(run: Callable[[Case], int], case: Case, repeat: int) -> tuple[list[float], int]:
    size = run(case)  # warm up, and the result size
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(case)
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    graph = build_graph(read_catalogue(SEED))
    with tempfile.TemporaryDirectory() as directory:
        snapshot = snapshot_from_graph(Path(directory) / "store", 1, graph)
        memory = ox.Store()
        memory.bulk_extend(ox.Store.read_only(str(snapshot.path)))
        engines = {
            "rdflib": rdflib_runner(graph),
            "oxigraph-disk": oxigraph_runner(OxigraphStore.open_snapshot(snapshot, 1 << 30)),
            "oxigraph-memory": oxigraph_runner(OxigraphStore(memory, 1 << 30)),
        }
        print(f"seed: {len(graph)} triples; {args.repeat} runs per query and engine; ms per query")
        print(f"{'query':24} {'engine':16} {'p50':>8} {'p99':>8} {'bytes':>8} {'rdflib/this p50':>16}")
        for case in CASES:
            base = None
            for name, run in engines.items():
                samples, size = timings(run, case, args.repeat)
                p50 = statistics.median(samples)
                p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
                base = base or p50
                print(f"{case.name:24} {name:16} {p50:8.2f} {p99:8.2f} {size:8d} {base / p50:15.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
