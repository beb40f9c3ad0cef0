"""Validating a new revision by what changed: the parent's results carried over.

A revision's item-bound results (the shapes over one item's own nodes, `validate.item_bound`)
depend only on that item's triples, so an item that did not change keeps its parent's
results, moved: its source row IRI names the new revision and the row's new lines, and
every line shifts with the row. `validate_revision` runs the item-bound shapes on the
other items only (`validate(..., items=)`) and every other shape over the whole
revision, then adds the carried results: the report is the one a full validation gives
(tests/test_carry.py compares them). To carry, a revision keeps its results with their
terms (`terms_json`, saved beside its report).

An item is *carried* (`plan`) when its number is in both revisions once, the diff
lists no change for it, its record is the parent's but for lines shifted together
(`shifted`), its service IRI is the same, it has no 同第N项 (whose target is another
item), and none of its parent's results points elsewhere (a value that is an item or a
line number, another row's IRI). The whole revision is validated instead (`Plan.reason`
says why) when there is no parent, the parent's results were not saved (or in another
format, or under other shapes), either revision repeats a number, a parent's item-bound result has no
item, or more than `MOST_REVALIDATED` of the items would be revalidated anyway.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from servicegraph.graph.diff import ChangeSet
from servicegraph.graph.iris import Minter, service_keys
from servicegraph.graph.shape_queries import compile_shapes
from servicegraph.graph.validate import SHAPES, Report, Result, item_bound, load_shapes, validate
from servicegraph.loaders.records import Catalogue, Item

FORMAT = 1
"""The version of `terms_json`'s document; another version is not carried from."""

MOST_REVALIDATED = 0.5
"""Above this share of the items to revalidate, the whole revision is validated."""

_LINE_PATHS = {"sg:line", "sg:firstLine", "sg:lastLine"}
"""Paths whose values are line numbers: such a result moves with its row's lines."""


@dataclass(frozen=True)
class Parent:
    """What carrying needs of the parent revision: its catalogue, its saved results
    (`terms_json`, None when not saved) and the diff from it."""

    catalogue: Catalogue
    terms: Mapping[str, Any] | None
    changes: ChangeSet


@dataclass(frozen=True)
class Plan:
    """How to validate a revision: the parent's results to carry, each already moved
    (empty with a `reason` when the whole revision is validated), and the numbers of the
    items to revalidate."""

    carried: tuple[Result, ...]
    revalidate: frozenset[int]
    reason: str | None  # why the whole revision is validated, else None

    @property
    def whole(self) -> bool:
        return self.reason is not None


def shapes_digest() -> str:
    """The sha256 of the shapes file: results saved under other shapes are not carried."""
    return hashlib.sha256(SHAPES.read_bytes()).hexdigest()


# ---- results with their terms ----


def _term_json(term: Node | None) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"iri": str(term)}
    if isinstance(term, BNode):
        return {"bnode": str(term)}
    assert isinstance(term, Literal), term
    doc = {"literal": str(term)}
    if term.language:
        doc["lang"] = term.language
    elif term.datatype is not None:
        doc["datatype"] = str(term.datatype)
    return doc


def _term(doc: Mapping[str, str] | None) -> Node | None:
    if doc is None:
        return None
    if "iri" in doc:
        return URIRef(doc["iri"])
    if "bnode" in doc:
        return BNode(doc["bnode"])
    if "lang" in doc:
        return Literal(doc["literal"], lang=doc["lang"])
    datatype = doc.get("datatype")
    return Literal(doc["literal"], datatype=None if datatype is None else URIRef(datatype))


def terms_json(report: Report, revision: str) -> dict[str, Any]:
    """`report`'s results with their terms, for carrying them to the next revision."""
    return {
        "format": FORMAT,
        "shapes": shapes_digest(),
        "revision": revision,
        "results": [
            {
                "severity": r.severity,
                "focus": _term_json(r.focus),
                "item": r.item,
                "line": r.line,
                "shape": str(r.shape),
                "constraint": str(r.constraint),
                "path": r.path,
                "value": _term_json(r.value),
                "value_item": r.value_item,
                "value_line": r.value_line,
                "message": [r.message_zh, r.message_en],
            }
            for r in report.results
        ],
    }


def _result(doc: Mapping[str, Any]) -> Result:
    return Result(
        severity=doc["severity"], focus=_term(doc["focus"]), item=doc["item"], line=doc["line"],  # type: ignore[arg-type]
        shape=URIRef(doc["shape"]), constraint=URIRef(doc["constraint"]), path=doc["path"],
        value=_term(doc["value"]), value_item=doc["value_item"], value_line=doc["value_line"],
        message_zh=doc["message"][0], message_en=doc["message"][1],
    )  # fmt: skip


# ---- which items keep their results ----


def shifted(item: Item, by: int) -> Item:
    """`item` with every line it records moved by `by`."""
    levels = {k: None if m is None else replace(m, line=m.line + by if m.line else 0) for k, m in item.levels.items()}
    return replace(
        item,
        lines=(item.lines[0] + by, item.lines[1] + by),
        cell_lines={k: line + by for k, line in item.cell_lines.items()},
        citations=tuple(replace(c, line=c.line + by) for c in item.citations),
        levels=levels,
    )


def _by_number(catalogue: Catalogue, base: str) -> dict[int, tuple[Item, URIRef]]:
    minter = Minter(base, catalogue.sha256)
    keys = service_keys(catalogue.items)
    return {item.number: (item, minter.service(k)) for item, k in zip(catalogue.items, keys, strict=True)}


def _repeats(catalogue: Catalogue) -> bool:
    return any(n > 1 for n in Counter(item.number for item in catalogue.items).values())


def _unchanged(old: Item, old_iri: URIRef, new: Item, new_iri: URIRef) -> bool:
    """True when `new` is `old` moved: the same record but for its lines, the same IRI."""
    same_as = any(m is not None and m.same_as_item is not None for m in new.levels.values())
    return old_iri == new_iri and not same_as and shifted(old, new.lines[0] - old.lines[0]) == new


class _Mover:
    """Moves a parent's results of one item to the new revision: its row IRI and lines."""

    def __init__(self, old: tuple[Minter, Item], new: tuple[Minter, Item]) -> None:
        (old_minter, old_item), (new_minter, new_item) = old, new
        self.by = new_item.lines[0] - old_item.lines[0]
        self.rows = (str(old_minter.lines(*old_item.lines)), str(new_minter.lines(*new_item.lines)))
        self.revisions = (str(old_minter.revision), str(new_minter.revision))
        self.row = re.compile(re.escape(self.rows[0]) + r"(?![0-9])")
        self.other_rows = re.compile(re.escape(f"{self.revisions[0]}/lines/"))

    def text(self, text: str) -> str:
        """`text` with the row's IRI and the revision's moved."""
        if self.other_rows.search(self.row.sub("", text)):
            raise _Elsewhere
        return self.row.sub(self.rows[1], text).replace(self.revisions[0], self.revisions[1])

    def term(self, term: Node | None) -> Node | None:
        if isinstance(term, URIRef):
            return URIRef(self.text(str(term)))
        if isinstance(term, Literal) and self.text(str(term)) != str(term):
            raise _Elsewhere  # a text naming the revision: not moved
        return term

    def result(self, r: Result) -> Result | None:
        """`r` as the new revision gives it, or None when it points beyond its item."""
        if r.value_item is not None or r.path in _LINE_PATHS or isinstance(r.focus, BNode):
            return None
        try:
            focus, value = self.term(r.focus), self.term(r.value)
            zh, en = self.text(r.message_zh), self.text(r.message_en)
        except _Elsewhere:
            return None
        line = None if r.line is None else r.line + self.by
        return replace(r, focus=focus or r.focus, value=value, line=line, message_zh=zh, message_en=en)


class _Elsewhere(Exception):
    """A result names another item's row: it cannot be moved with its own."""


def _bound_results(terms: Mapping[str, Any]) -> dict[int | None, list[Result]]:
    """The parent's results of the item-bound shapes, by item."""
    bound = {str(q.shape) for q in compile_shapes(load_shapes(), True) if item_bound(q)}
    results: dict[int | None, list[Result]] = {}
    for doc in terms["results"]:
        if doc["shape"] in bound:
            results.setdefault(doc["item"], []).append(_result(doc))
    return results


def plan(new: Catalogue, base: str, parent: Parent | None) -> Plan:
    """Which results to carry from `parent` and which items to revalidate (the rule is the
    module's docstring's)."""
    everything = frozenset(item.number for item in new.items)

    def whole(reason: str) -> Plan:
        return Plan((), everything, reason)

    if parent is None:
        return whole("the first revision")
    terms, old_minter = parent.terms, Minter(base, parent.catalogue.sha256)
    saved = (FORMAT, shapes_digest(), str(old_minter.revision))
    if terms is None or (terms.get("format"), terms.get("shapes"), terms.get("revision")) != saved:
        return whole("the parent's results were saved in another format or under other shapes")
    if _repeats(new) or _repeats(parent.catalogue):
        return whole("a revision repeats an item number")
    results = _bound_results(terms)
    if None in results:
        return whole("an item-bound result of the parent has no item")
    listed = {c.new_number for c in parent.changes.items if c.new_number is not None}
    old_items, new_minter = _by_number(parent.catalogue, base), Minter(base, new.sha256)
    carried: list[Result] = []
    kept = set()
    for number, (item, iri) in _by_number(new, base).items():
        if number in listed or number not in old_items or not _unchanged(*old_items[number], item, iri):
            continue
        mover = _Mover((old_minter, old_items[number][0]), (new_minter, item))
        moved = [mover.result(r) for r in results.get(number, ())]
        if all(r is not None for r in moved):
            carried += moved  # type: ignore[arg-type]
            kept.add(number)
    revalidate = everything - kept
    if len(revalidate) > MOST_REVALIDATED * len(everything):
        return whole(f"{len(revalidate)} of {len(everything)} items to revalidate")
    return Plan(tuple(carried), revalidate, None)


def validate_revision(data: Graph, plan: Plan) -> Report:
    """Validate one revision's graph as `plan` says: whole, or its items to revalidate
    plus the carried results."""
    report = validate(data, items=None if plan.whole else plan.revalidate)
    return report.with_results(list(plan.carried)) if plan.carried else report
