"""Validate and diff times for a new revision of the seed and of an N× catalogue.

Run: .venv/bin/python bench/revisions.py [--times 100] [--repeat 1] [--publish]
     .venv/bin/python bench/revisions.py --generations [--big-times 100] [--wide 10 100]

For each scale the "old" revision is the catalogue (bench/catalogues.py's `multiplied`:
the seed's rows repeated, numbers continuing, each copy's names and contents marked "·k")
and the "new" one the same file with its 5th row removed and one article number changed.
Prints the best of `--repeat` runs of: build + validate of the new revision, validate
alone, and the diff old → new (with the citation identity it computes). `--publish` also
times adding both to a revision store (parse, build, validate, diff, snapshot generation
written), in a temporary directory.

`--generations` times adding a 10-item change (ten items of the current revision renamed)
to data directories holding 1 and 13 revisions of the seed, then also a `--big-times`×
catalogue (the seed-sized revision current again), then to one holding a single `--wide`
N× catalogue (the change ten items of N × 98), side by side in one run: *after*,
`RevisionStore.add` as it is (graph/carry.py: the changed items validated, the others'
results carried); *before*, store/revisions.py as at commit `BEFORE` (read with `git
show`, and its store/derive.py), which validated every revision whole. Each adds the same bytes to its own copy of
the same data directory; printed: the whole add before and after, how many items after
revalidated ("all": validated whole), and after's stages (parse counts the parent's
catalogue too, read again for the diff; generation is store/derive.py's write).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from catalogues import best, multiplied  # bench/catalogues.py (the script's directory)

from servicegraph.graph.build import build_graph
from servicegraph.graph.carry import Plan
from servicegraph.graph.diff import diff_catalogues
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.graph.validate import Report, validate
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue
from servicegraph.store import revisions
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


def renamed(data: bytes, numbers: range, mark: str) -> bytes:
    """`data` with the names of its items numbered in `numbers` ending in `mark` (the name
    is the line after the number cell; items whose number cell was lost are left alone)."""
    text = data.decode("utf-8")
    for number in numbers:
        cell = text.find(f"\n\t{number}\n")
        if cell < 0:
            continue
        end = text.index("\n", text.index("\n", cell + 1) + 1)
        text = text[:end] + mark + text[end:]
    return text.encode("utf-8")


BEFORE = "48c0cd9"
"""main before validation by what changed: every revision validated whole (graph/carry.py)."""

STAGES = {
    "parse": ("parse_catalogue",), "build": ("build_graph",), "diff": ("diff_catalogues",),
    "validate": ("plan", "validate_revision"), "currency": ("with_currency",), "generation": ("derive_snapshot",),
}  # fmt: skip
"""The stages of an add timed in store/revisions.py, by the functions it calls."""


def _module_before(path: str, name: str) -> Any:
    """The module at `path` as of `BEFORE` (read with git), loaded under `name`."""
    root = Path(__file__).resolve().parent.parent
    show = ["git", "show", f"{BEFORE}:{path}"]
    source = subprocess.run(show, cwd=root, capture_output=True, text=True, check=True).stdout
    module = types.ModuleType(name)
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    return module


def store_before() -> Any:
    """store/revisions.py as of `BEFORE`, writing generations with store/derive.py as of then."""
    module = _module_before("store/revisions.py", "revisions_before")
    module.derive_snapshot = _module_before("store/derive.py", "derive_before").derive_snapshot
    return module


class Stages:
    """Seconds spent in each of `STAGES` while installed in store/revisions.py."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.wrapped: dict[str, Any] = {}
        self.revalidated = "-"  # the items the last plan revalidated, or why it validated all

    def __enter__(self) -> Stages:
        for stage, names in STAGES.items():
            for name in names:
                self.wrapped[name] = getattr(revisions, name)
                setattr(revisions, name, self._timed(stage, self.wrapped[name]))
        return self

    def _timed(self, stage: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started
            if isinstance(result, Plan):
                self.revalidated = "all" if result.whole else str(len(result.revalidate))
            return result

        return timed

    def __exit__(self, *exc: object) -> None:
        for name, function in self.wrapped.items():
            setattr(revisions, name, function)


def publish_once(directory: Path, change: bytes, scratch: Path, before: Any) -> tuple[float, float, Stages, int]:
    """Add `change` to copies of the store `directory`, as at `BEFORE` and now: seconds of
    each whole add, the stages of the add now, and how many items it revalidated."""
    figures = []
    for store_class in (before.RevisionStore, RevisionStore):
        copy = scratch / "copy"
        shutil.copytree(directory, copy)
        try:
            with Stages() as stages, store_class(copy) as store:
                started = time.perf_counter()
                outcome = store.add(change, "change.txt")
                figures.append(time.perf_counter() - started)
                assert outcome.snapshot is not None, "the change was not accepted"
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    return figures[0], figures[1], stages, outcome.meta.items


def generations(big_times: int, wide: list[int]) -> None:
    """The 10-item change published into stores holding more and more, and into stores
    holding one larger catalogue."""
    seed = SEED.read_bytes()
    before = store_before()
    print(
        f"{'data directory holds':>30} {'items':>6} {'revalidated':>11} {'add: before':>12} {'after':>7} {'ratio':>6}"
        "  after by stage: " + " ".join(f"{stage:>10}" for stage in STAGES)
    )
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)

        def line(label: str, directory: Path, current: bytes) -> None:
            change = renamed(current, range(50, 60), "（改）")  # ten items renamed
            assert change.count("（改）".encode()) == 10
            add_before, add_after, stages, items = publish_once(directory, change, scratch, before)
            print(
                f"{label:>30} {items:>6} {stages.revalidated:>11}"
                f" {add_before:>11.2f}s {add_after:>6.2f}s {add_before / add_after:>5.1f}x  "
                + " ".join(f"{stages.seconds[stage]:>9.2f}s" for stage in STAGES),
                flush=True,
            )

        directory = scratch / "data"
        with RevisionStore(directory) as store:
            store.add(seed, "seed.txt")
        line("1 revision of the seed", directory, seed)
        current = seed
        with RevisionStore(directory) as store:
            for held in range(1, 13):
                current = renamed(seed, range(held, held + 1), f"（第{held}版）")
                store.add(current, f"rev{held}.txt")
            store.prune(())
        line("13 revisions of the seed", directory, current)
        if big_times:
            with RevisionStore(directory) as store:
                store.add(multiplied(seed, big_times), f"x{big_times}.txt")
                current = renamed(seed, range(41, 42), "（另一版）")
                store.add(current, "after-big.txt")  # the seed-sized revision is current again
                store.prune(())
            line(f"13 of the seed + a {big_times}x", directory, current)
        for times in wide:
            shutil.rmtree(directory)
            current = multiplied(seed, times)
            with RevisionStore(directory) as store:
                store.add(current, f"x{times}.txt")
            line(f"1 revision, {times}x the seed", directory, current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--publish", action="store_true", help="also time adding both to a revision store")
    parser.add_argument("--generations", action="store_true", help="publishing a 10-item change, before and after")
    parser.add_argument("--big-times", type=int, default=100, help="with --generations: the large revision (0: none)")
    parser.add_argument(
        "--wide", type=int, nargs="*", default=[10], help="with --generations: stores holding one N× catalogue"
    )
    args = parser.parse_args()
    if args.generations:
        generations(args.big_times, args.wide)
        return
    seed = SEED.read_bytes()
    print(
        f"{'catalogue':>10} {'items':>6} {'build+validate':>15} {'validate':>9} {'diff':>7} {'changes':>8}"
        + (f" {'publish':>8}" if args.publish else "")
    )
    for label, times in (("seed", 1), (f"{args.times}x", args.times)):
        print(measure(label, multiplied(seed, times), args.repeat, args.publish), flush=True)


if __name__ == "__main__":
    main()
