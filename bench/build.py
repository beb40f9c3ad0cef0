"""Parse and build times for the seed and for an N× catalogue made by repeating the seed's rows.

Run: .venv/bin/python bench/build.py [--times 100] [--repeat 3]
The N× file renumbers each copy's rows (and its 同第N项 references) after the previous copy.
Prints the best of `--repeat` runs for each step (wall clock, and the build's CPU time: on
a shared machine the CPU time is the steadier figure), and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import gc
import re
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from graph.build import build_graph
from loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
_NUMBER_CELL = re.compile(r"^\t(\d+)\s*$")
_SAME_AS = re.compile(r"同第(\d+)项")

T = TypeVar("T")


def multiplied(seed: str, times: int) -> bytes:
    """The seed with its rows repeated `times` times, numbers continuing across copies."""
    lines = seed.split("\n")
    first_row = next(i for i, line in enumerate(lines) if _NUMBER_CELL.match(line))
    head, body = lines[:first_row], lines[first_row:]
    rows = sum(1 for line in body if _NUMBER_CELL.match(line) or line.startswith(" \t"))
    out = list(head)
    for k in range(times):
        shift = k * rows
        for line in body:
            line = _NUMBER_CELL.sub(lambda m: f"\t{int(m.group(1)) + shift}", line)
            out.append(_SAME_AS.sub(lambda m: f"同第{int(m.group(1)) + shift}项", line))
    return "\n".join(out).encode("utf-8")


def best(fn: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    """The least wall-clock and CPU seconds of `repeat` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    for label, data, repeat in (("seed", seed, args.repeat),
                                (f"{args.times}x", multiplied(seed.decode("utf-8"), args.times), 1)):
        parse_s, _, catalogue = best(lambda: parse_catalogue(data, label), repeat)
        build_s, build_cpu, graph = best(lambda: build_graph(catalogue), repeat)
        n = len(catalogue.items)
        print(f"{label:>5}: {n:>6} items  parse {parse_s:7.3f} s  build {build_s:7.3f} s (cpu {build_cpu:7.3f} s)"
              f"  {len(graph):>8} triples  ({1e6 * build_cpu / len(graph):.1f} µs cpu/triple)")
        del graph, catalogue
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
