"""Typed records of a catalogue: what the loader produces and the graph consumes.

`to_json()` gives the public JSON shape printed by `servicegraph parse --format json`
(documented in the README); change it only together with the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ProvisionKind = Literal["章", "节", "条", "款", "项", "目", "点"]


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited document, down to one provision (or the whole document).

    `title` is the title as written, without 《》 and surrounding whitespace;
    `provision` is the path from the document down, e.g. (("条", 30), ("款", 2), ("项", 2));
    empty for the whole document. `provision_text` is the provision as printed
    (e.g. "第三十条第二款第二项"), `quote` the wording quoted after it.
    When the quote gives the article's lead-in and one of its enumerated items, the
    provision is that item and `provision_text` the article as printed plus the item's
    marker (第十一条(四)). `line` is the 1-based source line where the citation starts.
    `issuer` is the issuer written before the title (中国计生协《关于…》), else None.
    """

    title: str
    doc_number: str | None
    provision: tuple[tuple[ProvisionKind, int], ...]
    provision_text: str
    quote: str
    line: int
    issuer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "provision": [[kind, n] for kind, n in self.provision],
            "provision_text": self.provision_text,
            "quote": self.quote,
            "line": self.line,
            "issuer": self.issuer,
        }


@dataclass(frozen=True, slots=True)
class LevelMark:
    """A non-empty level cell: its √, role, remark and cross-reference, if any.

    `checked` is False for a cell that has content but no √ (a defect the shapes report).
    """

    checked: bool = True
    role: str | None = None  # as written: a key of codes.ROLE_OF_MARK (审定 | 初审 | 代办)
    note: str | None = None  # the text of a 备注：… remark
    same_as_item: int | None = None  # N of 同第N项
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "role": self.role,
            "note": self.note,
            "same_as_item": self.same_as_item,
        }


@dataclass(frozen=True, slots=True)
class FillType:
    """One 填报类型 entry; `level` is None when the cell does not split by level."""

    level: str | None  # None, or a key of codes.LEVEL_OF_FILL (市 | 区县 | 乡镇 | 村)
    category: str  # e.g. 依申请服务类
    subtypes: tuple[str, ...]  # e.g. ("办理类", "查询类")

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "category": self.category, "subtypes": list(self.subtypes)}


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the catalogue: one public service."""

    number: int
    number_inferred: bool
    name: str
    item_type: str
    content: str
    agencies: tuple[str, ...]
    targets: tuple[str, ...]
    themes: tuple[str, ...]
    legal_basis: str  # the whole 设定依据 cell, paragraphs joined with "\n"
    citations: tuple[Citation, ...]
    handling_modes: tuple[str, ...]  # normalised: codes.HandlingMode values (马上办 …), else as written
    levels: dict[str, LevelMark | None]  # keys: the values of codes.Level, in its order
    fill_types: tuple[FillType, ...]
    lines: tuple[int, int]  # first and last 1-based source line of the row
    cell_lines: dict[str, int] = field(default_factory=dict)  # column key → first line

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "number_inferred": self.number_inferred,
            "name": self.name,
            "item_type": self.item_type,
            "content": self.content,
            "agencies": list(self.agencies),
            "targets": list(self.targets),
            "themes": list(self.themes),
            "handling_modes": list(self.handling_modes),
            "levels": {k: (v.to_json() if v else None) for k, v in self.levels.items()},
            "fill_types": [f.to_json() for f in self.fill_types],
            "legal_basis": self.legal_basis,
            "citations": [c.to_json() for c in self.citations],
            "lines": list(self.lines),
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One revision of one catalogue, as read from one file."""

    title: str
    source: str  # file name as given
    sha256: str  # of the raw bytes
    encoding: str  # utf-8 | utf-8-sig | gb18030
    items: tuple[Item, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [item.to_json() for item in self.items]


__all__ = ["Catalogue", "Citation", "FillType", "Item", "LevelMark"]
