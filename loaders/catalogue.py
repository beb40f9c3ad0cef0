"""A catalogue file → `Catalogue`: header, rows, cells and the source lines of each.

Layout (see the domain primer): a line starting with TAB starts a cell; a line without
one continues the cell above. A row starts with its number cell (`\\t12`) or, where the
number cell was lost, with its name cell written ` \\t<name>`; the lost number is the
row's position in the numbering (one more than the row above). Every row has 14 cells.

`Item.cell_lines["number"]` of a row whose number was lost is the row's first line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from servicegraph.loaders import cells
from servicegraph.loaders.citations import parse_citations
from servicegraph.loaders.codes import Level
from servicegraph.loaders.decode import decode
from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.records import Catalogue, Item

COLUMNS = (
    "number", "name", "item_type", "content", "agencies", "targets", "themes",
    "legal_basis", "handling_modes", *(level.value for level in Level), "fill_types",
)  # fmt: skip
HEADER_LABELS = (
    "序号", "事项名称", "事项类型", "行使内容", "实施机构名称", "服务对象", "服务主题",
    "设定依据", "办理类型", "行使层级", "填报类型",
)  # fmt: skip
"""Column labels the header must hold, in order (whitespace ignored)."""

_LOST_NUMBER_START = re.compile(r"[ \u3000]+\t")


@dataclass(slots=True)
class Cell:
    """One cell as written: `texts[0]` is its first line without the leading TAB."""

    line: int
    texts: list[str]
    lost_number: bool = False  # the line was ` \t<name>`: a row whose number cell was lost

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return cells.paragraphs(self.texts)

    @property
    def last_line(self) -> int:
        """The last line holding text (the cell's first line if it is empty)."""
        filled = [i for i, text in enumerate(self.texts) if text.strip()]
        return self.line + (filled[-1] if filled else 0)

    @property
    def raw(self) -> str:
        """The cell's lines up to its last non-blank one, joined with "\\n"."""
        return "\n".join(self.texts[: self.last_line - self.line + 1])

    def number(self) -> int | None:
        return None if self.lost_number else cells.item_number(self.paragraphs)

    def starts_row(self) -> bool:
        return self.lost_number or self.number() is not None

    def preview(self) -> str:
        text = cells.single(self.paragraphs)
        return repr(text if len(text) <= 20 else text[:20] + "…")


def read_catalogue(path: str | Path) -> Catalogue:
    """Read and parse the catalogue file at `path`."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogueError(source, None, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_catalogue(data, source)


def parse_catalogue(data: bytes, source: str) -> Catalogue:
    """Parse the bytes of catalogue file `source`; raise `CatalogueError` on bad input."""
    decoded = decode(data, source)
    lines = decoded.text.split("\n")
    preamble, all_cells = _tokenise(lines)
    first_row = next((i for i, cell in enumerate(all_cells) if cell.starts_row()), len(all_cells))
    _check_header(preamble, all_cells[:first_row], source)
    last_line = max(1, len(lines) - (lines[-1] == ""))  # a final line end starts no line
    rows = _rows(all_cells[first_row:], source, last_line)
    return Catalogue(
        title=next((text.strip() for text in reversed(preamble) if text.strip()), ""),
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        items=_items(rows),
    )


def _tokenise(lines: list[str]) -> tuple[list[str], list[Cell]]:
    """The lines before the first cell, and the cells."""
    preamble: list[str] = []
    found: list[Cell] = []
    for number, text in enumerate(lines, start=1):
        if text.startswith("\t"):
            found.append(Cell(number, [text[1:]]))
        elif (lost := _LOST_NUMBER_START.match(text)) is not None:
            found.append(Cell(number, [text[lost.end() :]], lost_number=True))
        elif found:
            found[-1].texts.append(text)
        else:
            preamble.append(text)
    return preamble, found


def _check_header(preamble: list[str], header: list[Cell], source: str) -> None:
    text = "".join("".join(preamble + [t for cell in header for t in cell.texts]).split())
    position = 0
    for label in HEADER_LABELS:
        found = text.find(label, position)
        if found < 0:
            line = header[0].line if header else 1
            raise CatalogueError(
                source, line,
                f"not a catalogue: the header lacks the column 「{label}」"
                f" (expected, in order: {'、'.join(HEADER_LABELS)})",
            )  # fmt: skip
        position = found + len(label)


def _rows(row_cells: list[Cell], source: str, line_count: int) -> list[list[Cell]]:
    """Cells grouped into rows of 14 (13 where the number cell was lost)."""
    if not row_cells:
        raise CatalogueError(source, line_count, "no rows: the file ends after the header")
    rows: list[list[Cell]] = []
    at = 0
    while at < len(row_cells):
        first = row_cells[at]
        if not first.starts_row():
            raise CatalogueError(
                source, first.line,
                f"expected a new row (a number cell) but found {first.preview()}:"
                f" the row above has more than {len(COLUMNS)} cells",
            )  # fmt: skip
        width = len(COLUMNS) - 1 if first.lost_number else len(COLUMNS)
        row = row_cells[at : at + width]
        _check_row(row, width, source, line_count)
        rows.append(row)
        at += width
    return rows


def _check_row(row: list[Cell], width: int, source: str, line_count: int) -> None:
    first = row[0]
    have = len(COLUMNS) - width  # the lost number cell
    for cell in row[1:]:
        have += 1
        if cell.starts_row():
            raise CatalogueError(
                source, first.line,
                f"row has {have} of {len(COLUMNS)} cells: the next row starts at line"
                f" {cell.line} before this one's 「{COLUMNS[have]}」 cell",
            )  # fmt: skip
    if len(row) < width:
        missing = COLUMNS[len(COLUMNS) - width + len(row)]
        raise CatalogueError(
            source, first.line,
            f"truncated row: the file ends at line {line_count} after"
            f" {len(COLUMNS) - width + len(row)} of {len(COLUMNS)} cells (「{missing}」 and"
            " later are missing)",
        )  # fmt: skip


def _items(rows: list[list[Cell]]) -> tuple[Item, ...]:
    """Rows as items. A number used twice is kept: the shapes report it with both lines."""
    items: list[Item] = []
    for row in rows:
        previous = items[-1].number if items else 0
        items.append(_item(row, previous + 1))
    return tuple(items)


def _item(row: list[Cell], position: int) -> Item:
    """One row as an `Item`; `position` is the number it gets if its number cell was lost."""
    inferred = row[0].lost_number
    by_column = dict(zip(COLUMNS[1:] if inferred else COLUMNS, row, strict=True))
    cell_lines = {"number": row[0].line} | {key: c.line for key, c in by_column.items()}
    para = {key: c.paragraphs for key, c in by_column.items()}
    number = position if inferred else by_column["number"].number()
    assert number is not None  # starts_row() held for this cell
    basis = by_column["legal_basis"]
    return Item(
        number=number,
        number_inferred=inferred,
        name=cells.single(para["name"]),
        item_type=cells.single(para["item_type"]),
        content=cells.block(para["content"]),
        agencies=cells.split_list(para["agencies"]),
        targets=cells.split_list(para["targets"]),
        themes=cells.split_list(para["themes"]),
        legal_basis=cells.block(para["legal_basis"]),
        citations=parse_citations(basis.raw, basis.line),
        handling_modes=cells.handling_modes(para["handling_modes"]),
        levels={lv.value: cells.level_mark(para[lv.value], by_column[lv.value].line) for lv in Level},
        fill_types=cells.fill_types(para["fill_types"]),
        lines=(row[0].line, max(c.last_line for c in row)),
        cell_lines={key: cell_lines[key] for key in COLUMNS},
    )
