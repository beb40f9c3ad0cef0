"""Validating a revision by what changed (graph/carry.py) gives exactly the report a full
validation of the same revision gives: same results, focus IRIs, lines and messages.

The expected report is always the full validation's (`validate` of the revision's whole
graph); the revisions are a chain of edits of the seed's text, as a county would make
them: names edited, a row removed, a row inserted (later rows' lines move), a number
changed, a text made to repeat another item's (a cross-item result appears, then goes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rdflib.compare import isomorphic

from servicegraph.graph import carry
from servicegraph.graph.build import build_graph
from servicegraph.graph.carry import Parent, plan, terms_json, validate_revision
from servicegraph.graph.diff import diff_catalogues
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.graph.shape_queries import compile_shapes
from servicegraph.graph.validate import item_bound, load_shapes, validate
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue
from servicegraph.loaders.status import SHIPPED, shipped_status
from servicegraph.store.revisions import RevisionStore


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")


def _row(catalogue: Catalogue, number: int) -> tuple[int, int]:
    """0-based [start, end) line indices of item `number`'s row, up to the next row."""
    at = [i.number for i in catalogue.items].index(number)
    start = catalogue.items[at].lines[0] - 1
    following = catalogue.items[at + 1].lines[0] - 1 if at + 1 < len(catalogue.items) else None
    return start, following if following is not None else catalogue.items[at].lines[1]


def _cell(catalogue: Catalogue, number: int, column: str) -> int:
    return next(i for i in catalogue.items if i.number == number).cell_lines[column] - 1


def names_edited(data: bytes, catalogue: Catalogue) -> bytes:
    lines = _lines(data)
    for number in range(50, 60):
        lines[_cell(catalogue, number, "name")] += "（改）"
    return "\n".join(lines).encode("utf-8")


def row_removed(data: bytes, catalogue: Catalogue) -> bytes:
    """Item 5 gone: a gap in the numbers (a cross-item result appears), later lines move up."""
    lines = _lines(data)
    start, end = _row(catalogue, 5)
    return "\n".join(lines[:start] + lines[end:]).encode("utf-8")


def row_inserted(data: bytes, catalogue: Catalogue) -> bytes:
    """A copy of item 2's row, numbered 99 and renamed, inserted before item 3."""
    lines = _lines(data)
    start, end = _row(catalogue, 2)
    copy = lines[start:end]
    copy[_cell(catalogue, 2, "number") - start] = "\t99"
    copy[_cell(catalogue, 2, "name") - start] += "（新增）"
    at = _row(catalogue, 3)[0]
    return "\n".join(lines[:at] + copy + lines[at:]).encode("utf-8")


def renumbered(data: bytes, catalogue: Catalogue) -> bytes:
    """Item 99 renumbered 5: the gap closes (the cross-item result goes)."""
    lines = _lines(data)
    lines[_cell(catalogue, 99, "number")] = "\t5"
    return "\n".join(lines).encode("utf-8")


def content_repeated(data: bytes, catalogue: Catalogue) -> bytes:
    """Item 30's 行使内容 made item 31's: a copied-content result appears on both."""
    lines = _lines(data)
    take = _cell(catalogue, 31, "content")
    lines[_cell(catalogue, 30, "content")] = lines[take]
    return "\n".join(lines).encode("utf-8")


def content_restored(data: bytes, catalogue: Catalogue) -> bytes:
    """Item 30's 行使内容 made unique again, and a line added at the top (every row moves)."""
    lines = _lines(data)
    lines[_cell(catalogue, 30, "content")] += "（另行办理）"
    return "\n".join(["", *lines]).encode("utf-8")


EDITS: tuple[Callable[[bytes, Catalogue], bytes], ...] = (
    names_edited, row_removed, row_inserted, renumbered, content_repeated, content_restored,
)  # fmt: skip


@pytest.fixture(scope="module")
def chain(seed_path) -> list[Catalogue]:
    """The seed, then each edit applied to the revision before."""
    data = seed_path.read_bytes()
    catalogues = [parse_catalogue(data, "seed.txt")]
    for n, edit in enumerate(EDITS):
        data = edit(data, catalogues[-1])
        catalogues.append(parse_catalogue(data, f"edit{n}.txt"))
    return catalogues


def _terms(report, catalogue: Catalogue) -> dict:
    """As saved and read back (JSON)."""
    graph_iri = build_graph(catalogue).identifier
    return json.loads(json.dumps(terms_json(report, str(graph_iri)), ensure_ascii=False))


@pytest.mark.parametrize("step", range(1, len(EDITS) + 1), ids=[e.__name__ for e in EDITS])
def test_a_revision_validated_by_what_changed_gets_the_full_report(chain, step):
    old, new = chain[step - 1], chain[step]
    old_graph, new_graph = build_graph(old), build_graph(new)
    full = validate(new_graph)
    how = plan(
        new, DEFAULT_BASE, Parent(old, _terms(validate(old_graph), old), diff_catalogues(old, new, DEFAULT_BASE))
    )
    assert how.reason is None
    assert len(how.revalidate) < len(new.items) / 4  # most items carried
    report = validate_revision(new_graph, how)
    assert report.results == full.results
    assert report.to_json() == full.to_json()
    assert isomorphic(report.graph, full.graph)  # the SHACL report (its blank nodes named afresh)


def test_the_chain_moves_carried_results_and_makes_cross_item_results_come_and_go(chain):
    """The fixtures do what the test above needs of them: carried results whose lines
    moved, a gap result that appears then goes, a copied-content result that appears then goes."""
    reports = [validate(build_graph(c)) for c in chain]
    gaps, copies = ([sum(r.shape.fragment == s for r in rep.results) for rep in reports] for s in ("NumberGapShape",
                    "DuplicateContentShape"))  # fmt: skip
    assert gaps[1] == 0 and gaps[2] == 1 and gaps[4] == 0
    assert copies[5] == copies[4] + 2 and copies[6] == copies[4]  # items 30 and 31 (the seed's 24 and 25 besides)
    old, new = chain[-2], chain[-1]
    how = plan(new, DEFAULT_BASE, Parent(old, _terms(reports[-2], old), diff_catalogues(old, new, DEFAULT_BASE)))
    old_lines = {(r.shape, r.focus): r.line for r in reports[-2].results}
    assert how.carried and all(old_lines[(r.shape, r.focus)] == r.line - 1 for r in how.carried if r.line)


def _parent(chain, saved=None):
    old, new = chain[0], chain[1]
    terms = _terms(validate(build_graph(old)), old) if saved is None else saved
    return new, Parent(old, terms, diff_catalogues(old, new, DEFAULT_BASE))


def test_the_whole_revision_is_validated_without_a_parent_or_its_saved_results(chain):
    assert plan(chain[0], DEFAULT_BASE, None).reason == "the first revision"
    new, parent = _parent(chain)
    for terms in (None, {**parent.terms, "format": carry.FORMAT + 1}, {**parent.terms, "shapes": "0" * 64}):
        how = plan(new, DEFAULT_BASE, Parent(parent.catalogue, terms, parent.changes))
        assert how.whole and not how.carried and how.revalidate == {i.number for i in new.items}
        assert how.reason == "the parent's results were saved in another format or under other shapes"


def test_the_whole_revision_is_validated_when_most_items_changed(chain, monkeypatch):
    new, parent = _parent(chain)
    revalidated = len(plan(new, DEFAULT_BASE, parent).revalidate)  # 10 renamed, and those with 同第N项
    monkeypatch.setattr(carry, "MOST_REVALIDATED", revalidated / 98)
    assert not plan(new, DEFAULT_BASE, parent).whole
    monkeypatch.setattr(carry, "MOST_REVALIDATED", (revalidated - 1) / 98)
    assert plan(new, DEFAULT_BASE, parent).reason == f"{revalidated} of 98 items to revalidate"


def test_the_whole_revision_is_validated_when_a_number_repeats(chain, seed_path):
    lines = _lines(seed_path.read_bytes())
    lines[_cell(chain[0], 7, "number")] = "\t6"
    new = parse_catalogue("\n".join(lines).encode("utf-8"), "repeat.txt")
    parent = Parent(chain[0], _parent(chain)[1].terms, diff_catalogues(chain[0], new, DEFAULT_BASE))
    assert plan(new, DEFAULT_BASE, parent).reason == "a revision repeats an item number"


def test_an_item_with_a_same_as_reference_or_moved_cells_is_revalidated(chain):
    """同第N项 points at another item; a cell moved within its row changes the item's lines."""
    new, parent = _parent(chain)
    how = plan(new, DEFAULT_BASE, parent)
    referring = {i.number for i in new.items if any(m and m.same_as_item for m in i.levels.values())}
    assert referring and referring <= how.revalidate
    assert set(range(50, 60)) <= how.revalidate


def test_a_store_with_a_status_layer_saves_the_reports_a_full_validation_gives(seed_path, chain, tmp_path, monkeypatch):
    """Two stores take the same revisions, the shipped status table added after the first
    (the currency check's results in every later report): one validating by what changed,
    one validating every revision whole."""
    datas = [seed_path.read_bytes()]
    for edit, catalogue in zip(EDITS, chain, strict=False):
        datas.append(edit(datas[-1], catalogue))
    reports: dict[str, list[dict]] = {}
    for label, most in (("carried", carry.MOST_REVALIDATED), ("whole", -1.0)):
        monkeypatch.setattr(carry, "MOST_REVALIDATED", most)
        with RevisionStore(tmp_path / label) as store:
            reports[label] = []
            for n, (data, catalogue) in enumerate(zip(datas, chain, strict=True)):
                outcome = store.add(data, catalogue.source, loaded=datetime(2026, 1, 1 + n, tzinfo=UTC))
                assert outcome.meta.status == "accepted"
                reports[label].append(store.report_json(outcome.meta.id))
                if n == 0:
                    store.add_status(shipped_status(), SHIPPED.read_bytes(), cited_only=True)
    currency = [
        r for group in reports["whole"][-1]["items"] for r in group["results"] if r["shape"] == "sgs:CitationCurrency"
    ]
    assert currency  # the layer is there: the seed cites 信访条例, replaced
    assert reports["carried"] == reports["whole"]


def test_an_item_whose_results_point_beyond_it_is_revalidated(chain):
    """A result whose value is an item, whose path is a line, or whose message names another
    row cannot be moved with its own item's row: the item is validated again instead."""
    new, parent = _parent(chain)
    base_plan = plan(new, DEFAULT_BASE, parent)
    bound = {str(q.shape) for q in compile_shapes(load_shapes(), True) if item_bound(q)}
    some = next(r for r in parent.terms["results"] if r["item"] not in base_plan.revalidate and r["shape"] in bound)
    carried_item = some["item"]
    other_row = str(build_graph(chain[0]).identifier) + "/lines/1-2"
    for change in ({"value_item": 4, "value_line": 9}, {"path": "sg:line"}, {"message": [other_row, "x"]}):
        terms = {**parent.terms, "results": [*parent.terms["results"], {**some, **change}]}
        how = plan(new, DEFAULT_BASE, Parent(parent.catalogue, terms, parent.changes))
        assert how.revalidate == base_plan.revalidate | {carried_item}, change
