"""What the benchmarks share: an N× catalogue made from the seed, and best-of-N timing.

`multiplied(seed, times)` is the seed's header followed by its rows `times` over. Copy 0
is the seed as written; in copy k > 0 every number cell and 同第N项 is shifted by
k × the seed's highest number (rows whose number cell was lost stay so: their number is
their position), and the name and content cells end in "·k", as distinct items of a
real catalogue have distinct names and contents. So no copy repeats another's numbers,
names (service IRIs are minted from names) or contents (items sharing one are reported
pairwise by the shapes, so repeats would make validation quadratic).
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable
from itertools import pairwise
from typing import ParamSpec, TypeVar

from servicegraph.loaders.catalogue import COLUMNS, parse_catalogue
from servicegraph.loaders.codes import Level
from servicegraph.loaders.decode import decode
from servicegraph.loaders.records import Item

P = ParamSpec("P")
T = TypeVar("T")

_NUMBER = re.compile(r"\d+")
_SAME_AS = re.compile(r"(同第\s*)(\d+)(\s*项)")
_CELL_START = re.compile(r"^[ \u3000]*\t")


def multiplied(seed: bytes, times: int, first: int = 0) -> bytes:
    """The seed (a catalogue file's bytes) with its rows `times` over, as UTF-8: copies
    `first` … `first + times - 1` (so parts of a large catalogue can be built apart)."""
    items = parse_catalogue(seed, "seed").items
    lines = decode(seed, "seed").text.split("\n")
    final_newline = lines[-1] == ""
    if final_newline:
        lines.pop()
    starts = [item.lines[0] - 1 for item in items] + [len(lines)]  # 0-based row starts
    shift = max(item.number for item in items)
    out = lines[: starts[0]]
    for k in range(first, first + times):
        for item, (start, end) in zip(items, pairwise(starts), strict=True):
            row = lines[start:end]
            out += _copy(item, row, start, k, k * shift) if k else row
    return ("\n".join(out) + ("\n" if final_newline else "")).encode("utf-8")


def _copy(item: Item, row: list[str], start: int, k: int, shift: int) -> list[str]:
    """`row` (the lines of `item`, the first being 0-based line `start`) as copy `k`."""
    row = list(row)
    spans = _cell_spans(item, start, len(row))
    if not item.number_inferred:
        first, _ = spans["number"]
        row[first] = _NUMBER.sub(lambda m: str(int(m.group()) + shift), row[first], count=1)
    for level in Level:
        for at in range(*spans[level.value]):
            row[at] = _SAME_AS.sub(lambda m: f"{m[1]}{int(m[2]) + shift}{m[3]}", row[at])
    for column in ("name", "content"):
        first, end = spans[column]
        at = next((i for i in range(end - 1, first - 1, -1) if row[i].strip()), first)
        row[at] = _marked(row[at], k)
    return row


def _marked(line: str, k: int) -> str:
    """`line` ending in "·k" instead of trailing whitespace; an empty cell keeps its TAB."""
    text = line.rstrip()
    if not text and (start := _CELL_START.match(line)) is not None:
        text = start.group()
    return f"{text}·{k}"


def _cell_spans(item: Item, start: int, length: int) -> dict[str, tuple[int, int]]:
    """Each cell's lines in the row: (first, end) indexes into the row's lines."""
    columns = COLUMNS[1:] if item.number_inferred else COLUMNS
    firsts = [item.cell_lines[column] - 1 - start for column in columns] + [length]
    return dict(zip(columns, pairwise(firsts), strict=True))


def best(repeat: int, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[float, float, T]:
    """The least wall-clock and CPU seconds of `repeat` calls of `fn(*args, **kwargs)`,
    and the last result (a garbage collection before each call)."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args, **kwargs)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result
