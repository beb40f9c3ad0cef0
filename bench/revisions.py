"""Validate and diff times for a new revision of the seed and of an N× catalogue.

Run: .venv/bin/python bench/revisions.py [--times 100] [--repeat 1] [--publish]

For each scale the "old" revision is the catalogue (bench/build.py's `multiplied`: the
seed's rows repeated, numbers continuing; here each copy's names also get "·k", as
distinct items of a real catalogue have distinct names) and the "new" one the same file
with its 5th row removed and one article number changed. Prints the best of `--repeat` runs of:
build + validate of the new revision, validate alone, and the diff old → new (with the
citation identity it computes). `--publish` also times adding both to a revision store
(parse, build, validate, diff, snapshot generation written), in a temporary directory.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from build import best, multiplied  # bench/build.py (this script's directory is on sys.path)

from graph.build import build_graph
from graph.diff import diff_catalogues
from graph.namespaces import DEFAULT_BASE
from graph.revisions import RevisionStore
from graph.validate import validate
from loaders.catalogue import parse_catalogue

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
_NUMBER_CELL = re.compile(r"^\t\d+\s*$")


def renamed_copies(seed: str, times: int) -> bytes:
    """`multiplied(seed, times)` with the name and content cells of the k-th copy (k > 0)
    ending in "·k", so that no two items share a name or a content."""
    rows = len(parse_catalogue(seed.encode("utf-8"), "seed").items)
    lines = multiplied(seed, times).decode("utf-8").split("\n")
    first_row = next(i for i, line in enumerate(lines) if _NUMBER_CELL.match(line))
    row, cell = -1, 0
    for at in range(first_row, len(lines)):
        line = lines[at]
        if _NUMBER_CELL.match(line) or line.startswith(" \t"):
            row, cell = row + 1, 0 if _NUMBER_CELL.match(line) else 1  # a lost number cell counts
        elif line.startswith("\t"):
            cell += 1
        else:
            continue
        if row // rows and cell in (1, 3):  # name, content
            lines[at] = f"{line.rstrip()}·{row // rows}"
    return "\n".join(lines).encode("utf-8")


def revised(data: bytes) -> bytes:
    """`data` with its 5th row removed and item 8's 第九条 cited as 第十条."""
    text = data.decode("utf-8")
    start, end = text.index("\n\t5\n"), text.index("\n\t6\n")
    text = text[:start] + text[end:]
    return text.replace("《重庆市献血条例》第九条", "《重庆市献血条例》第十条", 1).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--publish", action="store_true", help="also time adding both to a revision store")
    args = parser.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    print(f"{'catalogue':>10} {'items':>6} {'build+validate':>15} {'validate':>9} {'diff':>7} {'changes':>8}"
          + (f" {'publish':>8}" if args.publish else ""))
    for label, times in (("seed", 1), (f"{args.times}x", args.times)):
        old_bytes = renamed_copies(seed, times)
        new_bytes = revised(old_bytes)
        old, new = parse_catalogue(old_bytes, "old.txt"), parse_catalogue(new_bytes, "new.txt")
        graph = build_graph(new)
        checked, _ = best(lambda: validate(build_graph(new)), args.repeat)
        validated, report = best(lambda: validate(graph), args.repeat)
        diffed, changes = best(lambda: diff_catalogues(old, new, DEFAULT_BASE), args.repeat)
        s = changes.summary()
        line = (f"{label:>10} {len(new.items):>6} {checked:>14.2f}s {validated:>8.2f}s {diffed:>6.2f}s"
                f" {s['removed']}-/{s['modified']}~")
        if args.publish:
            with tempfile.TemporaryDirectory() as directory:
                store = RevisionStore(Path(directory))
                store.add(old_bytes, "old.txt")
                started = time.perf_counter()
                store.add(new_bytes, "new.txt")
                line += f" {time.perf_counter() - started:>7.2f}s"
        print(line + f"  ({report.count('Violation')} Violation, {report.count('Warning')} Warning)", flush=True)


if __name__ == "__main__":
    main()
