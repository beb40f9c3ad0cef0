"""Normalising single cells: whitespace, list cells, handling modes, level cells, fill types.

A cell arrives as its paragraphs: the text of its source lines, blank lines dropped.
Paragraph breaks inside short cells are line wraps of the printed table, so they are
joined back; only long text (content, legal basis) keeps them, as "\\n".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from servicegraph.loaders.codes import ROLE_OF_MARK, HandlingMode, Level
from servicegraph.loaders.records import FillType, LevelMark

CHECK_MARKS = "√✓✔"

_OPEN = "(（[［【〔〈<《"
_CLOSE = ")）]］】〕〉>》"
_LIST_SEPARATORS = "/／、"
_MODE = re.compile(rf"({'|'.join(mode[:-1] for mode in HandlingMode)})办(?:理|件)?")  # 网上办理: 网上办
_MODE_SEPARATORS = re.compile(r"[/／、,，;；\s]+")
_SUBTYPE_SEPARATORS = re.compile(r"[/／、,，;；\s]+")
_REMARK = re.compile(r"备注\s*[:：]\s*(.*)", re.S)
_SAME_AS = re.compile(r"同第\s*(\d+)\s*项")
_FILL_LEVEL = re.compile(r"(市|区县|县|乡镇[(（]街道[)）]|乡镇|街道|村[(（]社区[)）]|村|社区)\s*[:：]\s*")
_FILL_SPELLINGS = {"市": Level.city, "区县": Level.county, "县": Level.county, "乡镇": Level.township,
                   "街道": Level.township, "村": Level.village, "社区": Level.village}  # fmt: skip
"""A level as a 填报类型 prefix may spell it (乡镇(街道) and 村(社区) by their first word)."""


def squash(text: str) -> str:
    """`text` with ends stripped and each whitespace run (full-width spaces included)
    dropped next to a CJK character or punctuation, else collapsed to one space."""
    parts = text.split()
    if not parts:
        return ""
    out = [parts[0]]
    for part in parts[1:]:
        if out[-1][-1].isascii() and part[0].isascii():
            out.append(" ")
        out.append(part)
    return "".join(out)


def paragraphs(lines: Iterable[str]) -> tuple[str, ...]:
    """The non-blank lines of a cell, each stripped of surrounding whitespace."""
    return tuple(s for s in (line.strip() for line in lines) if s)


def single(paras: Sequence[str]) -> str:
    """A short cell (name, type, number) as one line: wrapped paragraphs joined back."""
    return squash(" ".join(paras))


def block(paras: Sequence[str]) -> str:
    """A long cell (content, legal basis): paragraphs joined with "\\n"."""
    return "\n".join(paras)


def item_number(paras: Sequence[str]) -> int | None:
    """The number of a number cell, or None if the cell does not hold just a number."""
    text = single(paras)
    return int(text) if text.isdecimal() else None


def split_list(paras: Sequence[str]) -> tuple[str, ...]:
    """A list cell split on `/` or `、` outside brackets, so
    `社会保障(社会保险、社会救助)、医疗卫生` gives two entries; empty entries dropped."""
    entries: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in " ".join(paras):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _LIST_SEPARATORS and depth == 0:
            entries.append("".join(current))
            current = []
            continue
        current.append(ch)
    entries.append("".join(current))
    return tuple(e for e in (squash(e) for e in entries) if e)


def handling_modes(paras: Sequence[str]) -> tuple[str, ...]:
    """Handling modes normalised to 马上办 网上办 就近办 一次办, in source order, once each.

    `网上办理` counts as 网上办; a token that names no mode is kept as written.
    """
    modes: list[str] = []
    for token in _MODE_SEPARATORS.split(" ".join(paras)):
        if not token:
            continue
        match = _MODE.fullmatch(token)
        mode = match.group(1) + "办" if match else token
        if mode not in modes:
            modes.append(mode)
    return tuple(modes)


def level_mark(paras: Sequence[str], line: int) -> LevelMark | None:
    """A level cell: None if empty, else its √, role, remark and cross-reference.

    Text that is none of these is kept in `note`, so nothing of the cell is lost.
    """
    text = single(paras)
    if not text:
        return None
    checked = any(mark in text for mark in CHECK_MARKS)
    for mark in CHECK_MARKS:
        text = text.replace(mark, "")
    role: str | None = None
    same_as: int | None = None
    notes: list[str] = []
    for part, bracketed in _bracket_groups(text):
        if part in ROLE_OF_MARK and role is None:
            role = part
        elif (remark := _REMARK.fullmatch(part)) is not None:
            notes.append(remark.group(1).strip())
        elif (same := _SAME_AS.fullmatch(part)) is not None and same_as is None:
            same_as = int(same.group(1))
        else:
            notes.append(f"({part})" if bracketed else part)
    note = "；".join(n for n in notes if n) or None
    return LevelMark(checked=checked, role=role, note=note, same_as_item=same_as, line=line)


def _bracket_groups(text: str) -> list[tuple[str, bool]]:
    """`text` cut into top-level round-bracket groups (inside, True) and the text between
    them (False), each squashed, empty ones dropped; an unclosed group runs to the end."""
    groups: list[tuple[str, bool]] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "(（":
            if depth == 0:
                groups.append(("".join(current), False))
                current = []
                depth = 1
                continue
            depth += 1
        elif ch in ")）" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append(("".join(current), True))
                current = []
                continue
        current.append(ch)
    groups.append(("".join(current), depth > 0))
    return [(squash(g), inside) for g, inside in groups if squash(g)]


def fill_types(paras: Sequence[str]) -> tuple[FillType, ...]:
    """The 填报类型 cell: `category：subtype、subtype`, or one such entry per level
    (`市：…` `区县：…` `乡镇：…`); a paragraph without a level prefix continues the entry above."""
    entries: list[tuple[str | None, str]] = []
    for para in paras:
        prefix = _FILL_LEVEL.match(para)
        if prefix is not None:
            entries.append((_fill_level(prefix.group(1)), para[prefix.end() :]))
        elif entries:
            level, text = entries[-1]
            entries[-1] = (level, f"{text} {para}")
        else:
            entries.append((None, para))
    return tuple(_fill_type(level, text) for level, text in entries)


def _fill_level(prefix: str) -> str:
    return _FILL_SPELLINGS[re.split(r"[(（]", prefix)[0]].fill


def _fill_type(level: str | None, text: str) -> FillType:
    category, colon, rest = squash(text).replace(":", "：").partition("：")
    subtypes = tuple(s for s in _SUBTYPE_SEPARATORS.split(rest) if s) if colon else ()
    return FillType(level=level, category=category.strip(), subtypes=subtypes)
