"""Validation timing: the seed, and the seed's items copied to make a larger catalogue.

    .venv/bin/python bench/validate.py [--scale 1 10 30] [--repeat 3]

For each scale, prints the best of `--repeat` runs of: pyshacl with our shapes as
`graph.validate.validate` runs it (no inference, advanced=True, data validated in place),
the same with RDFS inference, and the same copying the data graph first. Copies get
their own names, contents, numbers and lines, so no copy duplicates another.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyshacl

from graph.build import build_graph
from graph.validate import load_shapes, validate
from loaders.catalogue import read_catalogue
from loaders.records import Catalogue, Item

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def scaled(catalogue: Catalogue, times: int) -> Catalogue:
    """`catalogue`'s items `times` over, each copy renumbered and renamed."""
    count = len(catalogue.items)
    span = max(item.lines[1] for item in catalogue.items)
    items = [_copy(item, k, k * count, k * span) for k in range(times) for item in catalogue.items]
    return replace(catalogue, items=tuple(items))


def _copy(item: Item, k: int, offset: int, line_offset: int) -> Item:
    if k == 0:
        return item
    levels = {
        level: None if mark is None else replace(
            mark,
            line=mark.line + line_offset,
            same_as_item=None if mark.same_as_item is None else mark.same_as_item + offset,
        )
        for level, mark in item.levels.items()
    }  # fmt: skip
    return replace(
        item,
        number=item.number + offset,
        name=f"{item.name}·{k}",
        content=f"{item.content}·{k}",
        levels=levels,
        citations=tuple(replace(c, line=c.line + line_offset) for c in item.citations),
        lines=(item.lines[0] + line_offset, item.lines[1] + line_offset),
    )


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = read_catalogue(SEED)
    shapes = load_shapes()
    print(f"{'items':>7} {'triples':>9} {'results':>8} {'validate s':>11} {'rdfs s':>8} {'copied s':>9}")
    for times in args.scale:
        graph = build_graph(scaled(seed, times))
        results = len(validate(graph).results)
        ours = best(lambda: validate(graph), args.repeat)
        rdfs = best(lambda: validate(graph, inference="rdfs"), 1)
        copied = best(lambda: pyshacl.validate(graph, shacl_graph=shapes, advanced=True, allow_warnings=True), 1)
        print(f"{len(seed.items) * times:>7} {len(graph):>9} {results:>8} {ours:>11.2f} {rdfs:>8.2f} {copied:>9.2f}")


if __name__ == "__main__":
    main()
