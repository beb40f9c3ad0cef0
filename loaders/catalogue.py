"""A catalogue file → `Catalogue`: header, rows, cells and the source lines of each.

Layout (see the domain primer): a line starting with TAB starts a cell; a line without
one continues the cell above. A row starts with its number cell (`\\t12`) or, where the
number cell was lost, with its name cell written ` \\t<name>`; the lost number is the
row's position in the numbering (one more than the row above). Every row has 14 cells.

`Item.cell_lines["number"]` of a row whose number was lost is the row's first line.
A row short of cells is reported with the cells it lacks, found by which placement of
its cells fits their columns best (`_missing`), named as the header names them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from servicegraph.loaders import cells
from servicegraph.loaders.citations import parse_citations
from servicegraph.loaders.codes import Level
from servicegraph.loaders.decode import decode
from servicegraph.loaders.errors import CatalogueError, unreadable
from servicegraph.loaders.gc_paused import cyclic_gc_paused
from servicegraph.loaders.records import Catalogue, Item

COLUMNS = (
    "number", "name", "item_type", "content", "agencies", "targets", "themes",
    "legal_basis", "handling_modes", *(level.value for level in Level), "fill_types",
)  # fmt: skip
COLUMN_LABELS = {
    "number": ("序号", "number"),
    "name": ("事项名称", "name"),
    "item_type": ("事项类型", "item type"),
    "content": ("行使内容", "what is done"),
    "agencies": ("实施机构名称", "implementing agencies"),
    "targets": ("服务对象", "target groups"),
    "themes": ("服务主题", "themes"),
    "legal_basis": ("设定依据", "legal basis"),
    "handling_modes": ("办理类型", "handling modes"),
    "city": ("行使层级：市", "level: city"),
    "county": ("行使层级：县", "level: county"),
    "township": ("行使层级：乡镇(街道)", "level: township"),
    "village": ("行使层级：村(社区)", "level: village"),
    "fill_types": ("填报类型", "fill-in type"),
}
"""Each column as the catalogue's header names it, and in English."""
HEADER_LABELS = tuple(dict.fromkeys(zh.split("：")[0] for zh, _ in COLUMN_LABELS.values()))
"""Column labels the header must hold, in order (whitespace ignored)."""

_LEVEL_CELL = re.compile(r"|.*(?:[√✓✔]|审定|初审|代办|同第|备注).*", re.S)
_FITS = {
    "number": re.compile(r"\d+"),
    "name": re.compile(r"[^。\n]{1,60}"),
    "item_type": re.compile(r"[^。，,；;\n]{1,20}"),
    "agencies": re.compile(r".*(?:政府|办事处|街道|院|中心|局|委|站|所|会|办|队|部|校|馆|室|科|处|组)[)）]?", re.S),
    "targets": re.compile(r"(?:个人|自然人|法人|其他组织|组织|[/／、\s])+"),
    "themes": re.compile(r"[^。\n]{1,60}"),
    "legal_basis": re.compile(r".*(?:《|第[一二三四五六七八九十百零〇两0-9]+条).*", re.S),
    "handling_modes": re.compile(r"(?:(?:马上|网上|就近|一次)办[理件]?[/／、,，;；\s]*)+"),
    "city": _LEVEL_CELL, "county": _LEVEL_CELL, "township": _LEVEL_CELL, "village": _LEVEL_CELL,
    "fill_types": re.compile(r".*类.*", re.S),
}  # fmt: skip
"""What a cell of each column looks like (content has no form), to find which cell a row lacks."""
_MISSING_MAX = 3  # more cells lacking than this: name the last ones

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
        raise unreadable(source, exc) from None
    return parse_catalogue(data, source)


def parse_catalogue(data: bytes, source: str) -> Catalogue:
    """Parse the bytes of catalogue file `source`; raise `CatalogueError` on bad input."""
    with cyclic_gc_paused():
        return _parsed(data, source)


def _parsed(data: bytes, source: str) -> Catalogue:
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
                f"不是目录清单：表头缺少「{label}」列(应依次为：{'、'.join(HEADER_LABELS)})",
                f"not a catalogue: the header lacks the column 「{label}」"
                f" (expected, in order: {'、'.join(HEADER_LABELS)})",
            )  # fmt: skip
        position = found + len(label)


def _rows(row_cells: list[Cell], source: str, line_count: int) -> list[list[Cell]]:
    """Cells grouped into rows of 14 (13 where the number cell was lost)."""
    if not row_cells:
        raise CatalogueError(
            source, line_count, "没有任何事项行：文件在表头之后就结束了", "no rows: the file ends after the header"
        )
    rows: list[list[Cell]] = []
    at = 0
    while at < len(row_cells):
        first = row_cells[at]
        if not first.starts_row():
            raise CatalogueError(
                source, first.line,
                f"此处应是新的一行(序号单元格)，却是 {first.preview()}：上一行多于{len(COLUMNS)}个单元格",
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
    for k, cell in enumerate(row[1:], 1):
        if cell.starts_row():
            why = (f"下一行从第{cell.line}行开始", f"the next row starts at line {cell.line}")
            _lacking(row[:k], width, source, cell.line, why)
    if len(row) < width:
        _lacking(row, width, source, line_count, (f"文件在第{line_count}行结束", f"the file ends at line {line_count}"))


def _lacking(row: list[Cell], width: int, source: str, after: int, why: tuple[str, str]) -> None:
    """Raise the error for `row`, short of cells before line `after` (the next row, or the
    file's last line), at the line where the first cell it lacks should be."""
    have = len(COLUMNS) - width + len(row)
    placements = _missing(row, width)
    at = placements[0][0]
    line = row[at].line if at < len(row) else min(after, row[-1].last_line + 1)
    columns = _columns(width)
    labels = [COLUMN_LABELS[columns[g]] for g in sorted({g for gaps in placements for g in gaps})]
    zh_names, en_names = [f"「{zh}」" for zh, _ in labels], [f"「{zh}」 ({en})" for zh, en in labels]
    lacking = len(placements[0])
    if len(placements) == 1:
        zh_what, en_what = f"缺少{'、'.join(zh_names)}单元格", f"lacks its {', '.join(en_names)} cell"
    elif lacking == 1:  # cells that look alike: any one of them
        zh_what, en_what = f"缺少{'或'.join(zh_names)}单元格", f"lacks its {' or '.join(en_names)} cell"
    else:
        zh_what = f"缺少{'、'.join(zh_names)}中的{lacking}个单元格"
        en_what = f"lacks {lacking} of its {', '.join(en_names)} cells"
    raise CatalogueError(
        source, line,
        f"第{row[0].line}行起的一行{zh_what}：只有{have}/{len(COLUMNS)}个单元格，{why[0]}",
        f"the row starting at line {row[0].line} {en_what}{'s' if len(placements) == 1 and lacking > 1 else ''}:"
        f" it has {have} of {len(COLUMNS)} cells and {why[1]}",
    )  # fmt: skip


def _columns(width: int) -> tuple[str, ...]:
    """The columns of a row of `width` cells (13: its number cell was lost)."""
    return COLUMNS[len(COLUMNS) - width :]


def _missing(row: list[Cell], width: int) -> list[tuple[int, ...]]:
    """Where the cells `row` lacks could be, as indices into `_columns(width)`: every
    placement of its cells that fits their columns best (several when cells look alike)."""
    columns = _columns(width)
    lacking = width - len(row)
    if lacking > _MISSING_MAX:
        return [tuple(range(len(row), width))]
    scored: dict[tuple[int, ...], int] = {}
    for gaps in combinations(range(1, width), lacking):
        placed = [c for i, c in enumerate(columns) if i not in gaps]
        scored[gaps] = sum(_fit(column, cell) for column, cell in zip(placed, row, strict=True))
    best = max(scored.values())
    return [gaps for gaps, score in scored.items() if score == best]


def _fit(column: str, cell: Cell) -> int:
    """1 when `cell` looks like a cell of `column`, -1 when it does not, 0 for free text."""
    pattern = _FITS.get(column)
    if pattern is None:
        return 0
    return 1 if pattern.fullmatch(cells.single(cell.paragraphs)) else -1


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
