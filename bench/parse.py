"""Items parsed per second: the seed, and a catalogue 100× longer made of its rows repeated
with new numbers (bench/catalogues.py's `multiplied`; rows whose number cell was lost stay
so). Prints figures; asserts nothing.

    .venv/bin/python bench/parse.py [--repeat 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def items_per_second(data: bytes, rounds: int) -> tuple[int, float]:
    """Item count and the best rate over `rounds` parses."""
    wall, _, catalogue = best(rounds, parse_catalogue, data, "bench")
    return len(catalogue.items), len(catalogue.items) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seed = SEED.read_bytes()
    longer = multiplied(seed, args.repeat)
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
