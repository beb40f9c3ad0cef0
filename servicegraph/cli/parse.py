"""`servicegraph parse FILE`: print the items of a catalogue as JSON or as a table."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.loaders.codes import Level
from servicegraph.loaders.records import Catalogue, Item, LevelMark

HELP = "parse a catalogue file and print its items (JSON array or a table)"

_NAME_WIDTH = 36
_LEVEL_HEAD = "  ".join(level.zh[0] for level in Level) + " "  # one three-column slot per level: 市  县  乡  村


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file (UTF-8 or GB18030/GBK)")
    parser.add_argument(
        "--format", choices=("json", "table"), default="json",
        help="json: one object per item (the public interface); table: a summary to read",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    catalogue = read_catalogue(args.file)  # parsed whole before anything is printed
    text = _json(catalogue) if args.format == "json" else _table(catalogue)
    sys.stdout.write(text + "\n")
    return 0


def _json(catalogue: Catalogue) -> str:
    return json.dumps(catalogue.to_json(), ensure_ascii=False, indent=1)


def _table(catalogue: Catalogue) -> str:
    inferred = sum(item.number_inferred for item in catalogue.items)
    head = [
        f"{catalogue.title}",
        f"{catalogue.source}: {len(catalogue.items)} items ({inferred} with inferred numbers,"
        f" marked *), {catalogue.encoding}",
        "",
        f"{'no.':>4}  {'lines':<11}  {_pad('name', _NAME_WIDTH)}  {_LEVEL_HEAD}  cites  handling",
    ]
    return "\n".join(head + [_row(item) for item in catalogue.items])


def _row(item: Item) -> str:
    number = f"{item.number}{'*' if item.number_inferred else ' '}"
    lines = f"{item.lines[0]}-{item.lines[1]}"
    levels = " ".join(_level(item.levels[level.value]) for level in Level)
    return (
        f"{number:>4}  {lines:<11}  {_pad(item.name, _NAME_WIDTH)}  {levels}  "
        f"{len(item.citations):>5}  {'、'.join(item.handling_modes)}"
    )


def _level(mark: LevelMark | None) -> str:
    """√ (or ? without it), then the role's first character or + for a remark or
    cross-reference; · for an empty cell. Three columns wide."""
    if mark is None:
        return _pad("·", 3)
    sign = "√" if mark.checked else "?"
    extra = mark.role[0] if mark.role else ("+" if mark.note or mark.same_as_item else "")
    return _pad(sign + extra, 3)


def _pad(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal columns (CJK characters take two)."""
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1 and _width(text) > width:
            out += "…"
            break
        out += ch
    return out + " " * max(0, width - _width(out))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
