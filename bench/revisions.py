"""Validate and diff times for a new revision of the seed and of an N× catalogue.

Run: .venv/bin/python bench/revisions.py [--times 100] [--repeat 1] [--publish]

For each scale the "old" revision is the catalogue (bench/catalogues.py's `multiplied`:
the seed's rows repeated, numbers continuing, each copy's names and contents marked "·k")
and the "new" one the same file with its 5th row removed and one article number changed.
Prints the best of `--repeat` runs of: build + validate of the new revision, validate
alone, and the diff old → new (with the citation identity it computes). `--publish` also
times adding both to a revision store (parse, build, validate, diff, snapshot generation
written), in a temporary directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.graph.build import build_graph
from servicegraph.graph.diff import diff_catalogues
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.graph.validate import Report, validate
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue
from servicegraph.store.revisions import RevisionStore

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def revised(data: bytes) -> bytes:
    """`data` with its 5th row removed and item 8's 第九条 cited as 第十条."""
    text = data.decode("utf-8")
    start, end = text.index("\n\t5\n"), text.index("\n\t6\n")
    text = text[:start] + text[end:]
    return text.replace("《重庆市献血条例》第九条", "《重庆市献血条例》第十条", 1).encode("utf-8")


def built_and_validated(catalogue: Catalogue) -> Report:
    return validate(build_graph(catalogue))


def measure(label: str, old_bytes: bytes, repeat: int, publish: bool) -> str:
    """One line of figures for the revision of the catalogue `old_bytes`."""
    new_bytes = revised(old_bytes)
    old, new = parse_catalogue(old_bytes, "old.txt"), parse_catalogue(new_bytes, "new.txt")
    checked, _, _ = best(repeat, built_and_validated, new)
    validated, _, report = best(repeat, validate, build_graph(new))
    diffed, _, changes = best(repeat, diff_catalogues, old, new, DEFAULT_BASE)
    s = changes.summary()
    line = (
        f"{label:>10} {len(new.items):>6} {checked:>14.2f}s {validated:>8.2f}s {diffed:>6.2f}s"
        f" {s['removed']}-/{s['modified']}~"
    )
    if publish:
        with tempfile.TemporaryDirectory() as directory:
            store = RevisionStore(Path(directory))
            store.add(old_bytes, "old.txt")
            started = time.perf_counter()
            store.add(new_bytes, "new.txt")
            line += f" {time.perf_counter() - started:>7.2f}s"
    return line + f"  ({report.count('Violation')} Violation, {report.count('Warning')} Warning)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--publish", action="store_true", help="also time adding both to a revision store")
    args = parser.parse_args()
    seed = SEED.read_bytes()
    print(
        f"{'catalogue':>10} {'items':>6} {'build+validate':>15} {'validate':>9} {'diff':>7} {'changes':>8}"
        + (f" {'publish':>8}" if args.publish else "")
    )
    for label, times in (("seed", 1), (f"{args.times}x", args.times)):
        print(measure(label, multiplied(seed, times), args.repeat, args.publish), flush=True)


if __name__ == "__main__":
    main()
