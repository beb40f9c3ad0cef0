"""Items parsed per second: the seed, and a catalogue 100× longer made of its rows repeated
with new numbers (rows whose number cell was lost stay so). Prints figures; asserts nothing.

    .venv/bin/python bench/parse.py [--repeat 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def longer_catalogue(seed: bytes, repeat: int) -> bytes:
    """The seed's header followed by its rows `repeat` times, numbered on from the last."""
    lines = seed.decode("utf-8").split("\n")
    items = parse_catalogue(seed, "seed").items
    header = lines[: items[0].lines[0] - 1]
    rows = [(item, lines[item.lines[0] - 1 : item.lines[1]]) for item in items]
    out = list(header)
    for copy in range(repeat):
        for item, row in rows:
            number_line = [] if item.number_inferred else [f"\t{copy * len(items) + item.number}"]
            out += number_line + row[len(number_line) :] + [""]
    return "\n".join(out).encode("utf-8")


def items_per_second(data: bytes, rounds: int) -> tuple[int, float]:
    """Item count and the best rate over `rounds` parses."""
    best = float("inf")
    count = 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = len(parse_catalogue(data, "bench").items)
        best = min(best, time.perf_counter() - start)
    return count, count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    longer = longer_catalogue(seed, args.repeat)
    small_n, small_rate = items_per_second(seed, args.rounds)
    big_n, big_rate = items_per_second(longer, max(1, args.rounds // 2))
    for label, n, size, rate in (
        ("seed", small_n, len(seed), small_rate),
        (f"seed ×{args.repeat}", big_n, len(longer), big_rate),
    ):
        print(f"{label + ':':<11} {n:>6} items, {size / 1e6:6.2f} MB, {rate:>8.0f} items/s")
    print(f"rate ratio (×{args.repeat} / seed): {big_rate / small_rate:.2f}  (best of rounds)")


if __name__ == "__main__":
    main()
