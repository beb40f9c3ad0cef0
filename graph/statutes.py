"""Statute identity: which citations name the same legal document, and why.

A *spelling* is one distinct (title as written, issuing number as written) pair. Spellings
are merged into one document by three rules, each recorded as a `Merge` with its reason:

1. Same title once normalised. `title_key()` applies these steps in order (each one a
   named reason): NFKC (full-width letters, digits and brackets to their plain forms);
   whitespace removed (stray and full-width spaces); the 中华人民共和国 prefix dropped;
   与 read as 和; bracket and quote characters dropped (so <>, 〈〉 and nested 《》 inner
   titles agree, and an unbalanced "(" no longer matters).
2. Same issuing number once normalised (`parse_issuing_number`: any of 〔〕 ﹝﹞ [] ［］
   【】 for the year, spaces, a missing 号, a trailing 文件 and a leading 中华人民共和国
   ignored). Only numbers that name an issuer count: "2016第7号" alone identifies nothing.
   A number without a year (主席令第5号) is reused by every term that restarts the
   numbering: it merges only titles one of which contains the other (国务院信访条例 /
   信访条例), never two different titles.
3. An issuing number typo: same year and serial, issuer codes of equal length differing
   in one character (渝办法 / 渝办发), and one normalised title contains the other.

The canonical title of a document is its cleaned spelling (`clean_title`: NFKC,
whitespace removed, inner titles in 〈〉, brackets balanced) ranked first by: a national
law (a title ending in 法, not 办法, not starting with a place name) always takes the
中华人民共和国 prefix; otherwise the longest cleaned spelling (it names the issuer), then
the one written by most items (a cell citing three articles writes its title once),
then the first cited. The canonical issuing number is the one written by most items,
then the one whose issuer code other documents use too, then the smaller written form
(not the first cited: citation order must not change it).
Every other spelling stays an alternative label.

A document's *identity* (`document_identity`, what its IRI is minted from) ignores the
display title, so a new spelling of a title in the next revision cannot change it: the
canonical issuing number as `{issuer}-{year}-{serial}` when it names an issuer and a year
(a 文号 is unique per issuer and year; 主席令第5号 alone is not: such numbering restarts);
else the shortest `title_key` of its spellings (there is one unless rule 2 or 3 merged
different titles), with the 中华人民共和国 prefix put back for a national law. Citation
order changes neither. It does change when a document first cited without a dated issuing
number is cited with one, or when a mistyped number comes to be written by more items.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from servicegraph.loaders.numerals import to_chinese
from servicegraph.loaders.records import Citation, Item

PRC = "中华人民共和国"

_WHITESPACE = re.compile(r"\s+")
_BRACKETS_AND_QUOTES = re.compile(r"[()（）<>〈〉《》「」『』\[\]【】〔〕“”‘’\"']")
_PLACE_START = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|市|县|区)")
_YEAR_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"})


@dataclass(frozen=True, slots=True)
class IssuingNumber:
    """A parsed 文号: issuer code, year (None for 令 numbers without one) and serial."""

    issuer: str | None
    year: int | None
    serial: int
    bracketed: bool  # written as 渝府发〔2017〕41号 rather than 国务院令第196号

    @property
    def text(self) -> str:
        """The canonical written form."""
        issuer = self.issuer or ""
        if self.bracketed:
            return f"{issuer}〔{self.year}〕{self.serial}号"
        year = f"{self.year}年" if self.year is not None else ""
        return f"{issuer}{year}第{self.serial}号"


_NUMBER_FORMS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(r"^(?P<issuer>.+?)〔(?P<year>\d{4})〕第?(?P<serial>\d+)号?$"), True),
    (re.compile(r"^(?P<issuer>.+?令)(?:(?P<year>\d{4})年)?第?(?P<serial>\d+)号$"), False),
    (re.compile(r"^(?P<issuer>.+?)第(?P<serial>\d+)号(?P<order>令)$"), False),
    (re.compile(r"^(?P<issuer>.*?)(?P<year>\d{4})年?第(?P<serial>\d+)号$"), False),
)


def parse_issuing_number(raw: str) -> IssuingNumber | None:
    """Parse an issuing number as written; None when it has none of the known forms."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw)).translate(_YEAR_BRACKETS)
    text = text.removeprefix(PRC).removesuffix("文件")
    for pattern, bracketed in _NUMBER_FORMS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            issuer = (parts["issuer"] or "") + (parts.get("order") or "")
            year = parts.get("year")
            return IssuingNumber(issuer or None, int(year) if year else None, int(parts["serial"]), bracketed)
    return None


def _balance(text: str, opening: str, closing: str) -> str:
    """Close unclosed `opening`s at the end and drop unmatched `closing`s."""
    out, depth = [], 0
    for ch in text:
        if ch == opening:
            depth += 1
        elif ch == closing:
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + closing * depth


def clean_title(title: str) -> str:
    """A title as it should be printed: NFKC, no whitespace, inner titles in 〈〉, balanced."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", title))
    text = text.translate(str.maketrans("<>《》", "〈〉〈〉"))
    return _balance(_balance(text, "(", ")"), "〈", "〉")


TITLE_STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("full-width or compatibility characters", lambda t: unicodedata.normalize("NFKC", t)),
    ("stray or full-width spaces", lambda t: _WHITESPACE.sub("", t)),
    (f"with or without the {PRC} prefix", lambda t: t.removeprefix(PRC)),
    ("和 / 与", lambda t: t.replace("与", "和")),
    ("bracket or quote style", lambda t: _BRACKETS_AND_QUOTES.sub("", t)),
)
"""The title normalisation, step by step; each name is a merge reason."""


def title_key(title: str) -> str:
    """The form under which two titles name the same document."""
    for _, step in TITLE_STEPS:
        title = step(title)
    return title


def title_differences(a: str, b: str) -> list[str]:
    """The names of the normalisation steps it takes for `a` and `b` to agree."""
    reasons = []
    for name, step in TITLE_STEPS:
        if a == b:
            break
        a2, b2 = step(a), step(b)
        if (a2, b2) != (a, b):
            reasons.append(name)
        a, b = a2, b2
    return reasons


def is_national_law(cleaned: str) -> bool:
    """A title like 电力法: ends in 法 but not 办法, no inner title, no leading place name."""
    stem = cleaned.removeprefix(PRC)
    return stem.endswith("法") and not stem.endswith("办法") and "〈" not in stem and not _PLACE_START.match(stem)


DOCUMENT_TYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("办法", "规定", "细则"), "rules"),
    (("条例",), "regulation"),
    (("法",), "law"),
    (("通知",), "notice"),
    (("意见",), "opinion"),
    (("决定",), "decision"),
)
"""Title ending → document type (sg:DocumentTypes), first match wins; else "other"."""

_TRAILING_PARENTHESIS = re.compile(r"\([^()]*\)$")


def document_type(cleaned: str) -> str:
    """The type of a document from the end of its title, ignoring a trailing (试行)."""
    stem = _TRAILING_PARENTHESIS.sub("", cleaned).rstrip("〉")
    for endings, kind in DOCUMENT_TYPES:
        if stem.endswith(endings):
            return kind
    return "other"


@dataclass(slots=True)
class Spelling:
    """One way a document is cited: title and issuing number as written, and who cites it."""

    title: str
    doc_number: str | None
    first_line: int
    citations: list[tuple[int, Citation]] = field(default_factory=list)  # (item number, …)

    @property
    def items(self) -> list[int]:
        return sorted({number for number, _ in self.citations})

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "items": self.items,
            "lines": sorted({c.line for _, c in self.citations}),
        }


@dataclass(frozen=True, slots=True)
class Merge:
    """Why `spelling` was merged with `other` (both indices into Document.spellings)."""

    spelling: int
    other: int
    reason: str


@dataclass(slots=True)
class Document:
    """One legal document, however it is cited."""

    title: str  # canonical
    number: IssuingNumber | None  # canonical
    kind: str  # a DOCUMENT_TYPES kind or "other"
    spellings: list[Spelling]
    merges: list[Merge]
    identity: str  # see document_identity
    kept_apart: list[str] = field(default_factory=list)  # why a document sharing a number is another one

    @property
    def alt_labels(self) -> list[str]:
        """Every spelling of the title other than the canonical one, in order of first use."""
        seen = {self.title}
        labels = []
        for s in self.spellings:
            if s.title not in seen:
                seen.add(s.title)
                labels.append(s.title)
        return labels

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.number.text if self.number else None,
            "issuer": self.number.issuer if self.number else None,
            "year": self.number.year if self.number else None,
            "serial": self.number.serial if self.number else None,
            "type": self.kind,
            "variants": [s.to_json() for s in self.spellings],
            "merges": [
                {
                    "variant": self.spellings[m.spelling].title,
                    "variant_doc_number": self.spellings[m.spelling].doc_number,
                    "with": self.spellings[m.other].title,
                    "with_doc_number": self.spellings[m.other].doc_number,
                    "reason": m.reason,
                }
                for m in self.merges
            ],
            "kept_apart": self.kept_apart,
        }


class Statutes:
    """The documents cited by a catalogue; `document(citation)` finds a citation's one."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents = documents
        self._by_spelling = {(s.title, s.doc_number): d for d in documents for s in d.spellings}

    def document(self, citation: Citation) -> Document:
        return self._by_spelling[(citation.title, citation.doc_number)]

    def to_json(self) -> list[dict[str, Any]]:
        return [d.to_json() for d in self.documents]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _spellings(items: Iterable[Item]) -> list[Spelling]:
    by_key: dict[tuple[str, str | None], Spelling] = {}
    for item in items:
        for c in item.citations:
            s = by_key.get((c.title, c.doc_number))
            if s is None:
                s = by_key[(c.title, c.doc_number)] = Spelling(c.title, c.doc_number, c.line)
            s.citations.append((item.number, c))
    return sorted(by_key.values(), key=lambda s: s.first_line)


def _issuer_differs_by_one(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _same_title_reason(a: Spelling, b: Spelling) -> str:
    why = ", ".join(title_differences(a.title, b.title))
    reason = f"same title up to: {why}" if why else "same title"
    if a.doc_number != b.doc_number:
        if a.doc_number and b.doc_number:
            reason += f"; issuing number written {a.doc_number} / {b.doc_number}"
        else:
            reason += "; issuing number given in one spelling only"
    return reason


def _edges(spellings: Sequence[Spelling]) -> list[tuple[int, int, str]]:
    """Every merge the three rules justify, as (later, earlier, reason) index pairs."""
    edges: list[tuple[int, int, str]] = []
    keys = [title_key(s.title) for s in spellings]
    numbers = [parse_issuing_number(s.doc_number) if s.doc_number else None for s in spellings]
    first_by_key: dict[str, int] = {}
    for i, k in enumerate(keys):
        j = first_by_key.setdefault(k, i)
        if j != i:
            edges.append((i, j, _same_title_reason(spellings[i], spellings[j])))
    by_number: dict[tuple[str, int | None, int], list[int]] = defaultdict(list)
    by_year_serial: dict[tuple[int | None, int], list[int]] = defaultdict(list)
    for i, n in enumerate(numbers):
        if n is None or n.issuer is None:
            continue
        same = by_number[(n.issuer, n.year, n.serial)]
        same.append(i)
        if n.year is None:
            contains = next((j for j in same[:-1] if keys[i] in keys[j] or keys[j] in keys[i]), None)
            if contains is not None:
                why = f"same issuing number {n.text} (it has no year) and one title contains the other"
                edges.append((i, contains, why))
            continue
        if len(same) > 1:
            edges.append((i, same[0], f"same issuing number {n.text}"))
            continue
        for j in by_year_serial[(n.year, n.serial)]:
            m = numbers[j]
            assert m is not None and m.issuer is not None
            if _issuer_differs_by_one(n.issuer, m.issuer) and (keys[i] in keys[j] or keys[j] in keys[i]):
                edges.append(
                    (
                        i,
                        j,
                        f"issuing number {n.text} is a one-character typo of {m.text} and one title contains the other",
                    )
                )
        by_year_serial[(n.year, n.serial)].append(i)
    return edges


def _canonical_title(spellings: Sequence[Spelling]) -> str:
    cleaned = [clean_title(s.title) for s in spellings]
    if any(is_national_law(c) for c in cleaned):
        law = next(c for c in cleaned if is_national_law(c))
        return PRC + law.removeprefix(PRC)
    best = max(
        range(len(spellings)), key=lambda i: (len(cleaned[i]), len(spellings[i].items), -spellings[i].first_line)
    )
    return cleaned[best]


def _canonical_number(spellings: Sequence[Spelling], issuer_use: Counter[str]) -> IssuingNumber | None:
    cites: Counter[IssuingNumber] = Counter()
    for s in spellings:
        n = parse_issuing_number(s.doc_number) if s.doc_number else None
        if n is not None:
            cites[n] += len(s.items)
    return min(cites, key=lambda n: (-cites[n], -issuer_use[n.issuer or ""], n.text), default=None)


def document_identity(spellings: Sequence[Spelling], number: IssuingNumber | None) -> str:
    """What a document's IRI is minted from (see the module docstring): 渝办发-2011-293,
    else e.g. 中华人民共和国电力法 or 重庆市人口和计划生育条例."""
    if number is not None and number.issuer and number.year is not None:
        return f"{number.issuer}-{number.year}-{number.serial}"
    stem = min({title_key(s.title) for s in spellings}, key=lambda k: (len(k), k))
    return PRC + stem if is_national_law(stem) else stem


def merges_with(spellings: Sequence[Spelling], probe: Spelling) -> list[tuple[int, str]]:
    """The spellings `probe` would be merged with by the three rules, and why: (index, reason).

    `spellings` must be already merged documents' spellings (as `identify` leaves them),
    so one edge to a spelling puts `probe` in that spelling's document."""
    last = len(spellings)
    return [(j, why) for i, j, why in _edges([*spellings, probe]) if i == last]


def identify(items: Sequence[Item]) -> Statutes:
    """Group every citation of `items` into documents (see the module docstring)."""
    spellings = _spellings(items)
    edges = _edges(spellings)
    uf = _UnionFind(len(spellings))
    for i, j, _ in edges:
        uf.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(spellings)):
        groups[uf.find(i)].append(i)
    issuer_use: Counter[str] = Counter()
    for s in spellings:
        n = parse_issuing_number(s.doc_number) if s.doc_number else None
        if n is not None and n.issuer:
            issuer_use[n.issuer] += 1
    documents = []
    for root in sorted(groups):
        members = groups[root]
        local = {g: k for k, g in enumerate(members)}
        group = [spellings[i] for i in members]
        title = _canonical_title(group)
        number = _canonical_number(group, issuer_use)
        merges = [Merge(local[i], local[j], why) for i, j, why in edges if uf.find(i) == root]
        documents.append(Document(title, number, document_type(title), group, merges, document_identity(group, number)))
    _note_kept_apart(documents)
    return Statutes(documents)


def _note_kept_apart(documents: Sequence[Document]) -> None:
    """On each document, the others that share an undated issuing number with it (rule 2)."""
    sharing: dict[tuple[str, int], list[Document]] = defaultdict(list)
    for doc in documents:
        numbers = {parse_issuing_number(s.doc_number) for s in doc.spellings if s.doc_number}
        for n in numbers:
            if n is not None and n.issuer and n.year is None:
                sharing[(n.issuer, n.serial)].append(doc)
    for docs in sharing.values():
        for doc in docs:
            for other in docs:
                if other is not doc:
                    number = next(n for n in (parse_issuing_number(s.doc_number or "") for s in other.spellings) if n)
                    doc.kept_apart.append(
                        f"not merged with 《{other.title}》: both cite {number.text}, a number without a year"
                        " (reused when the numbering restarts), and neither title contains the other"
                    )


_POLICY_STEPS = {"节": "{cn}、", "目": "({cn})", "点": "{n}."}


def provision_label(path: Sequence[tuple[str, int]]) -> str:
    """第二十六条第一款 for (("条", 26), ("款", 1)); a policy document's headings as printed:
    三、(一)1. for (("节", 3), ("目", 1), ("点", 1)) when the path has no 章 or 条."""
    if all(kind in _POLICY_STEPS for kind, _ in path):
        return "".join(_POLICY_STEPS[kind].format(cn=to_chinese(n), n=n) for kind, n in path)
    return "".join(f"第{to_chinese(n)}{kind}" for kind, n in path)
