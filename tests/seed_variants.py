"""Revisions of the seed catalogue made by editing its text, as a county would.

Rows are located with the loader's own line numbers (`Item.lines`, `Item.cell_lines`),
so an edit touches exactly the row it names.
"""

from __future__ import annotations

from servicegraph.loaders.records import Catalogue


def _lines(path) -> list[str]:
    return path.read_bytes().decode("utf-8").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _row_span(catalogue: Catalogue, number: int) -> tuple[int, int]:
    """0-based [start, end) line indices of item `number`'s row, up to the next row."""
    at = [i.number for i in catalogue.items].index(number)
    start = catalogue.items[at].lines[0] - 1
    end = catalogue.items[at + 1].lines[0] - 1 if at + 1 < len(catalogue.items) else None
    return start, end if end is not None else start + 10**9


def item_removed(path, catalogue: Catalogue, number: int, renumber: bool = False) -> bytes:
    """The seed without item `number`; with `renumber`, the written numbers after it drop by one."""
    lines = _lines(path)
    if renumber:
        for item in catalogue.items:
            if item.number > number and not item.number_inferred:
                at = item.cell_lines["number"] - 1
                assert lines[at] == f"\t{item.number}", lines[at]
                lines[at] = f"\t{item.number - 1}"
    start, end = _row_span(catalogue, number)
    return _join(lines[:start] + lines[end:])


def items_removed(path, catalogue: Catalogue, numbers: set[int]) -> bytes:
    """The seed without the items `numbers` (the others keep their numbers)."""
    lines = _lines(path)
    drop: set[int] = set()
    for number in numbers:
        start, end = _row_span(catalogue, number)
        drop.update(range(start, min(end, len(lines))))
    return _join([line for at, line in enumerate(lines) if at not in drop])


def replaced(path, old: str, new: str) -> bytes:
    """The seed with the first `old` replaced by `new` (which must be there)."""
    text = path.read_bytes().decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def renamed(path, catalogue: Catalogue, number: int, name: str) -> bytes:
    """The seed with item `number`'s name cell rewritten."""
    lines = _lines(path)
    item = next(i for i in catalogue.items if i.number == number)
    at = item.cell_lines["name"] - 1
    lines[at] = f"\t{name}"
    return _join(lines)


def renumbered(path, catalogue: Catalogue, number: int, new_number: int) -> bytes:
    """The seed with item `number`'s written number cell changed to `new_number`."""
    lines = _lines(path)
    item = next(i for i in catalogue.items if i.number == number)
    at = item.cell_lines["number"] - 1
    assert lines[at] == f"\t{number}", lines[at]
    lines[at] = f"\t{new_number}"
    return _join(lines)


def cell_dropped(path, catalogue: Catalogue, number: int, column: str) -> bytes:
    """The seed with one cell line of item `number` deleted: a broken row."""
    lines = _lines(path)
    item = next(i for i in catalogue.items if i.number == number)
    at = item.cell_lines[column] - 1
    return _join(lines[:at] + lines[at + 1 :])


def gbk(path) -> bytes:
    return path.read_bytes().decode("utf-8").encode("gbk")


def cut_in_half(path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2]
