"""The currency check (issue 12) on the seed and on an N× catalogue: building the status
layer from the shipped table, loading an in-process store, and checking every citation
(citation-status.rq read by graph/currency.py) as /api/review does; then the check in
process from the graphs (`check_graphs`: `servicegraph currency`, `validate --status`
and a revision's report), side by side with the validation a revision upload runs
anyway (`validate`), so the check's share of an upload shows.

Run: .venv/bin/python bench/currency.py [--times 30] [--repeat 3]
Prints the best of `--repeat` runs (one for the N× catalogue) of each step, wall clock and
CPU time, and the cost per citation, seed and N× side by side.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.api import named_queries as nq
from servicegraph.api.review import check, local_runner
from servicegraph.graph.build import build_graph
from servicegraph.graph.currency import Currency, check_graphs
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.graph.status import status_layer
from servicegraph.graph.validate import validate
from servicegraph.loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def _check(runner: nq.Runner) -> Currency:
    return asyncio.run(check(runner))


def measure(label: str, data: bytes, repeat: int) -> tuple[str, float]:
    """The figures of one catalogue, and the check's wall-clock µs per citation."""
    graph = build_graph(parse_catalogue(data, label))
    layer_s, layer_cpu, layer = best(repeat, status_layer, graph, None, DEFAULT_BASE)
    load_s, _, runner = best(1, local_runner, [graph, layer])  # the CLI's store; a server loads once
    check_s, check_cpu, result = best(repeat, _check, runner)
    graphs_s, graphs_cpu, _ = best(repeat, check_graphs, [graph, layer])
    validate_s, validate_cpu, _ = best(1, validate, graph)
    citations = sum(len(s.citations) for s in result.services)
    per = 1e6 * check_s / citations
    return (
        f"{label:>5}: {len(result.services):>6} services {citations:>6} citations"
        f"  layer {layer_s:6.3f} s (cpu {layer_cpu:6.3f} s)  load {load_s:6.3f} s"
        f"  check {check_s:6.3f} s (cpu {check_cpu:6.3f} s)  {per:6.1f} µs/citation"
        f"  {sum(s.review for s in result.services)} to review\n"
        f"{'':>7}in process (a revision's report) {graphs_s:6.3f} s (cpu {graphs_cpu:6.3f} s);"
        f" validate {validate_s:6.3f} s (cpu {validate_cpu:6.3f} s):"
        f" the check adds {100 * graphs_cpu / validate_cpu:.0f}% to an upload's validation (cpu)",
        per,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    line, seed_per = measure("seed", seed, args.repeat)
    print(line, flush=True)
    line, big_per = measure(f"{args.times}x", multiplied(seed, args.times), 1)
    print(line)
    print(f"check cost per citation, {args.times}x / seed: {big_per / seed_per:.2f}")


if __name__ == "__main__":
    main()
