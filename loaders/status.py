"""A statute status file (CSV a legal officer edits) → typed status facts, line by line.

One row is one fact about one cited document (docs/status.md):

    document,event,date,replacement,provisions,source
    《信访条例》(国务院令第431号),replaced,2022-05-01,《信访工作条例》,,…

Headers may be written in English or Chinese (文件, 变化, 日期, 替代文件, 条款对应, 来源);
`replacement` and `provisions` may be left out. `event` is one of `EVENTS` (in English or
Chinese); `date` is when the change took effect; `provisions` maps cited provisions to
where they went: `第九条→第十一条` (renumbered, in the revised or replacing text),
`第三条→并入第二条` (merged into), `第五条→删除` (deleted), several separated by `;`.

What a row names is only read here; whether a document is one the catalogue cites is the
graph's question (graph/status.py). Every problem is reported with its line, in Chinese
and English, and no fact of a file with a problem is taken.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import cast

from servicegraph.loaders.dates import parse_date
from servicegraph.loaders.decode import decode
from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.numerals import NUMERAL_CHARS, parse_numeral
from servicegraph.loaders.records import ProvisionKind

SHIPPED: Traversable = resources.files("servicegraph.loaders") / "status-facts" / "national.csv"
"""The status table shipped with the project: changes to national law the seed cites."""

EVENTS: dict[str, tuple[str, ...]] = {
    "in-force": ("in-force", "现行有效", "in force", "有效"),
    "amended": ("amended", "修订", "revised", "修正", "修改"),
    "replaced": ("replaced", "被替代", "替代", "废止并替代"),
    "repealed": ("repealed", "废止", "失效"),
}
"""Event → the words a row may write it with (the first two: its English and Chinese names)."""

CHANGES: dict[str, tuple[str, ...]] = {
    "renumbered": ("", "renumbered", "改为", "移至"),
    "merged": ("merged", "merged into", "并入"),
    "deleted": ("deleted", "删除"),
}
"""Provision change → the words written before its target (none: renumbered)."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "document": ("document", "文件"),
    "event": ("event", "变化"),
    "date": ("date", "日期"),
    "replacement": ("replacement", "替代文件"),
    "provisions": ("provisions", "条款对应"),
    "source": ("source", "来源"),
}
REQUIRED = ("document", "event", "date", "source")

_ARROW = re.compile(r"\s*(?:→|->|=>|⇒)\s*")
_SEPARATOR = re.compile(r"[;；\n]")
_PROVISION = re.compile(rf"第([{NUMERAL_CHARS}\d]+)(章|节|条|款|项|目)")
_TRAILING_NUMBER = re.compile(r"^(?P<title>.*?)\s*[(（](?P<number>[^()（）]*号[^()（）]*)[)）]\s*$")


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document as a row names it: `text` as written, read as a title and issuing number
    (`title` is the text itself, without 《》, when no number is given)."""

    text: str
    title: str
    doc_number: str | None


Path_ = tuple[tuple[ProvisionKind, int], ...]


@dataclass(frozen=True, slots=True)
class ProvisionChange:
    """Where one provision went: `change` is a CHANGES key; `to` is None when deleted."""

    provision: Path_
    provision_text: str
    change: str
    to: Path_ | None
    to_text: str | None


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One fact: `document` `event` on `date` (replaced by `replacement`), per `source`."""

    line: int
    document: DocumentRef
    event: str  # an EVENTS key
    date: date
    replacement: DocumentRef | None  # the replacing document, or the amending one
    changes: tuple[ProvisionChange, ...]
    source: str


@dataclass(frozen=True, slots=True)
class StatusTable:
    """The facts of one status file."""

    source: str  # file name as given
    sha256: str
    rows: tuple[StatusRow, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one row (or, with `line` None, the file) cannot be taken."""

    line: int | None
    zh: str
    en: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "message": {"zh": self.zh, "en": self.en}}


class StatusError(CatalogueError):
    """A status file that cannot be taken: every problem, each with its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(source, first.line, first.zh, first.en)

    def __str__(self) -> str:
        return "\n".join(
            f"{self.source}:{p.line}: {p.zh} | {p.en}" if p.line else f"{self.source}: {p.zh} | {p.en}"
            for p in self.problems
        )

    def to_json(self) -> dict[str, object]:
        return {"error": "status file refused", "file": self.source, "problems": [p.to_json() for p in self.problems]}


def read_status(path: str | Path | Traversable) -> StatusTable:
    """Read a status file; `StatusError` naming the file (and line) when it cannot be taken."""
    name = str(path)
    path = Path(path) if isinstance(path, str) else path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatusError(
            name, [Problem(None, f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}")]
        ) from None
    return parse_status(data, name)


def shipped_status() -> StatusTable:
    return read_status(SHIPPED)


def parse_status(data: bytes, source: str) -> StatusTable:
    """The facts of a status file's bytes (UTF-8 or GB18030, any line ends)."""
    try:
        rows = list(csv.reader(io.StringIO(decode(data, source).text)))
    except CatalogueError as exc:  # undecodable bytes
        raise StatusError(source, [Problem(exc.line, f"无法解码：{exc.message}", exc.message)]) from None
    except csv.Error as exc:
        raise StatusError(source, [Problem(None, f"不是 CSV 文件：{exc}", f"not a CSV file: {exc}")]) from None
    header_at = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if header_at is None:
        raise StatusError(source, [Problem(None, "文件为空", "the file is empty")])
    columns, problems = _columns(rows[header_at], header_at + 1)
    facts: list[StatusRow] = []
    if not problems:
        for i, cells in enumerate(rows[header_at + 1 :], header_at + 2):
            if not any(cell.strip() for cell in cells):
                continue
            fact = _row(i, {name: (cells[k].strip() if k < len(cells) else "") for name, k in columns.items()})
            if isinstance(fact, StatusRow):
                facts.append(fact)
            else:
                problems += fact
    if problems:
        raise StatusError(source, problems)
    return StatusTable(source, hashlib.sha256(data).hexdigest(), tuple(facts))


def _columns(header: list[str], line: int) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    for k, cell in enumerate(header):
        label = unicodedata.normalize("NFKC", cell).strip().lower()
        for name, words in COLUMNS.items():
            if label in words:
                found[name] = k
    missing = [name for name in REQUIRED if name not in found]
    if not missing:
        return found, []
    wanted = ", ".join(f"{name} ({COLUMNS[name][1]})" for name in missing)
    return found, [Problem(line, f"表头缺少列：{wanted}", f"the header lacks the column(s) {wanted}")]


def _row(line: int, cells: dict[str, str]) -> StatusRow | list[Problem]:
    problems = []
    if not cells["document"]:
        problems.append(Problem(line, "未写明文件", "no document named"))
    event = _event(cells["event"])
    if event is None:
        words = " / ".join(f"{k} ({v[1]})" for k, v in EVENTS.items())
        problems.append(
            Problem(
                line,
                f"无法识别的变化“{cells['event']}”：应为 {words}",
                f"unknown event {cells['event']!r}: use {words}",
            )
        )
    when = parse_date(cells["date"])
    if when is None:
        problems.append(
            Problem(
                line,
                f"“{cells['date']}”不是日期（如 2022-05-01）",
                f"{cells['date']!r} is not a date (e.g. 2022-05-01)",
            )
        )
    replacement = cells.get("replacement", "")
    if event == "replaced" and not replacement:
        problems.append(Problem(line, "“被替代”须写明替代文件", "a replaced document needs its replacement"))
    if not cells["source"]:
        problems.append(Problem(line, "未写明来源", "no source given for the fact"))
    changes = _changes(line, cells.get("provisions", ""), problems)
    if problems:
        return problems
    assert event is not None and when is not None
    ref = document_ref(replacement) if replacement else None
    return StatusRow(line, document_ref(cells["document"]), event, when, ref, changes, cells["source"])


def _event(text: str) -> str | None:
    word = unicodedata.normalize("NFKC", text).strip().lower()
    return next((event for event, words in EVENTS.items() if word in words), None)


def document_ref(text: str) -> DocumentRef:
    """A document as written in a row: 《title》(number), title (number), a title or a key."""
    text = unicodedata.normalize("NFKC", text).strip()
    bare = text.replace("《", "").replace("》", "", 1) if text.startswith("《") else text
    title, number = bare, None
    match = _TRAILING_NUMBER.match(bare)
    if match:
        title, number = match["title"].strip(), match["number"].strip()
    return DocumentRef(text, title.strip("《》 "), number)


def _changes(line: int, text: str, problems: list[Problem]) -> tuple[ProvisionChange, ...]:
    changes = []
    for entry in filter(None, (part.strip() for part in _SEPARATOR.split(text))):
        parts = _ARROW.split(entry)
        old = _provision(parts[0]) if len(parts) == 2 else None
        target = _target(parts[1]) if old is not None else None
        if old is None or target is None:
            problems.append(
                Problem(
                    line,
                    f"无法读取条款对应“{entry}”（如 第九条→第十一条、第三条→并入第二条、第五条→删除）",
                    f"cannot read the provision mapping {entry!r}"
                    " (e.g. 第九条→第十一条, 第三条→并入第二条, 第五条→删除)",
                )
            )
            continue
        change, to = target
        changes.append(ProvisionChange(old, parts[0], change, to, None if to is None else parts[1]))
    return tuple(changes)


def _target(text: str) -> tuple[str, Path_ | None] | None:
    """(change, target path) of the right side of a mapping; None when unreadable."""
    lowered = text.lower()
    if lowered in CHANGES["deleted"]:
        return "deleted", None
    for change, words in CHANGES.items():
        for word in sorted(words, key=len, reverse=True):
            if change != "deleted" and lowered.startswith(word):
                path = _provision(text[len(word) :].lstrip(": ："))
                if path is not None:
                    return change, path
    return None


def _provision(text: str) -> Path_ | None:
    """第九条第二款 → (("条", 9), ("款", 2)); None unless `text` is such a path, whole."""
    text = unicodedata.normalize("NFKC", text).strip()
    steps: list[tuple[ProvisionKind, int]] = []
    pos = 0
    for match in _PROVISION.finditer(text):
        if match.start() != pos:
            return None
        try:
            steps.append((cast(ProvisionKind, match[2]), parse_numeral(match[1])))
        except ValueError:
            return None
        pos = match.end()
    return tuple(steps) if steps and pos == len(text) else None
