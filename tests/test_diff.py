"""The change set between two revisions of the seed: items, fields, citations, RDF, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_variants as v
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from servicegraph.cli import main
from servicegraph.graph.build import build_graph
from servicegraph.graph.diff import change_set_graph, diff_catalogues, to_text
from servicegraph.graph.namespaces import DEFAULT_BASE, SG
from servicegraph.graph.report_compare import compare_reports
from servicegraph.graph.validate import SGS, validate
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.store.oxigraph import to_oxigraph

B = DEFAULT_BASE
BLOOD = "《重庆市献血条例》第九条"  # item 8 cites it and 第十七条; no other item cites either


def _parse(data: bytes, name: str = "new.txt"):
    return parse_catalogue(data, name)


def test_same_catalogue_has_no_change(seed_catalogue, seed_path: Path) -> None:
    changes = diff_catalogues(seed_catalogue, _parse(v.gbk(seed_path)), B)
    assert changes.items == ()
    assert changes.unchanged == len(seed_catalogue.items) == 98
    assert changes.no_longer_cited == changes.newly_cited == ()


def test_removed_item(seed_catalogue, seed_path: Path) -> None:
    changes = diff_catalogues(seed_catalogue, _parse(v.item_removed(seed_path, seed_catalogue, 5)), B)
    (removed,) = changes.items
    assert (removed.kind, removed.old_number, removed.new_number) == ("removed", 5, None)
    assert removed.name == "一二孩生育证登记"
    assert removed.old_service == f"{B}service/一二孩生育证登记"
    assert changes.summary() | {"no_longer_cited": 0} == {
        "added": 0, "removed": 1, "renumbered": 0, "modified": 0, "unchanged": 97, "no_longer_cited": 0,
        "newly_cited": 0}  # fmt: skip
    assert [c.label for c in changes.no_longer_cited] == ["《重庆市人口与计划生育条例》第二十条"]


def test_removed_item_renumbers_the_rest(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.item_removed(seed_path, seed_catalogue, 5, renumber=True))
    changes = diff_catalogues(seed_catalogue, new, B)
    assert [c.old_number for c in changes.of_kind("removed")] == [5]
    renumbered = changes.renumbered
    assert [(c.old_number, c.new_number) for c in renumbered] == [(n, n - 1) for n in range(6, 99)]
    assert all(c.matched_by == "number+name" or c.matched_by == "name" for c in renumbered)
    assert all(not c.changed for c in renumbered)  # only the number moved
    assert changes.of_kind("added") == [] and changes.modified == []


def test_changed_article_number(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.replaced(seed_path, BLOOD, "《重庆市献血条例》第十条"))
    changes = diff_catalogues(seed_catalogue, new, B)
    (item,) = changes.items
    assert (item.kind, item.old_number, item.new_number, item.renumbered) == ("matched", 8, 8, False)
    assert [f.field for f in item.fields] == ["legal_basis"]
    assert "第九条" in item.fields[0].old and "第十条" in item.fields[0].new
    assert [c.iri for c in item.citations_removed] == [f"{B}legal/重庆市献血条例/art_9"]
    assert [c.iri for c in item.citations_added] == [f"{B}legal/重庆市献血条例/art_10"]
    assert [c.label for c in changes.no_longer_cited] == ["《重庆市献血条例》第九条"]
    assert [c.label for c in changes.newly_cited] == ["《重庆市献血条例》第十条"]


def test_renamed_item_is_matched_by_content(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.renamed(seed_path, seed_catalogue, 3, "劳动争议调解服务"))
    changes = diff_catalogues(seed_catalogue, new, B)
    (item,) = changes.items
    assert (item.kind, item.matched_by, item.old_number, item.new_number) == ("matched", "content", 3, 3)
    assert item.old_service == f"{B}service/调解劳动争议"
    assert item.new_service == f"{B}service/劳动争议调解服务"
    assert [(f.field, f.old, f.new) for f in item.fields] == [("name", "调解劳动争议", "劳动争议调解服务")]


def test_renumbered_item_is_matched_by_name(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.renumbered(seed_path, seed_catalogue, 12, 120))
    changes = diff_catalogues(seed_catalogue, new, B)
    (item,) = changes.items
    assert item.renumbered and (item.old_number, item.new_number) == (12, 120)
    assert item.matched_by == "name" and item.fields == ()


def test_added_item_and_citations_of_a_new_item(seed_catalogue, seed_path: Path) -> None:
    old = _parse(v.item_removed(seed_path, seed_catalogue, 8), "old.txt")
    changes = diff_catalogues(old, seed_catalogue, B)
    (added,) = changes.items
    assert (added.kind, added.new_number, added.name) == ("added", 8, "组织和动员适龄公民献血服务")
    assert {c.label for c in changes.newly_cited} == {
        "《重庆市献血条例》",
        "《重庆市献血条例》第九条",
        "《重庆市献血条例》第十七条",
    }


def test_text_is_grouped_by_item(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.replaced(seed_path, BLOOD, "《重庆市献血条例》第十条"))
    text = to_text(diff_catalogues(seed_catalogue, new, B))
    lines = text.splitlines()
    at = lines.index("item 8 (第8项) 组织和动员适龄公民献血服务: changed (修改)")
    assert (
        lines[at + 1].startswith("  legal_basis: 《重庆市献血条例》第九条")
        and "→ 《重庆市献血条例》第十条" in lines[at + 1]
    )
    assert lines[at + 2 : at + 4] == [
        "  + cites 《重庆市献血条例》第十条",
        "  - no longer cites 《重庆市献血条例》第九条",
    ]


def test_change_set_rdf_answers_which_services_lost_a_legal_basis(seed_catalogue, seed_path: Path) -> None:
    new = _parse(v.replaced(seed_path, BLOOD, "《重庆市献血条例》第十条"))
    changes = diff_catalogues(seed_catalogue, new, B)
    graph = change_set_graph(changes)
    change = URIRef(f"{changes.iri}/item/1")
    assert (change, SG.lostLegalResource, URIRef(f"{B}legal/重庆市献血条例/art_9")) in graph
    assert (change, SG.gainedLegalResource, URIRef(f"{B}legal/重庆市献血条例/art_10")) in graph
    # the named query, over a dataset laid out as the revision store lays it out
    store = ox.Store()
    old_graph, new_graph = build_graph(seed_catalogue), build_graph(new)
    for g, name in (
        (old_graph, old_graph.identifier),
        (new_graph, new_graph.identifier),
        (graph, URIRef(f"{B}changes")),
    ):
        store.extend(ox.Quad(*map(to_oxigraph, t), ox.NamedNode(str(name))) for t in g)
    store.extend(ox.Quad(*map(to_oxigraph, t)) for t in new_graph)  # the default graph: the current one
    query = (Path(__file__).parent.parent / "api" / "queries" / "lost-legal-basis.rq").read_text(encoding="utf-8")
    rows = [(r["number"].value, r["title"].value, r["resource"].value, r["label"].value) for r in store.query(query)]
    assert rows == [("8", "组织和动员适龄公民献血服务", f"{B}legal/重庆市献血条例/art_9", "《重庆市献血条例》第九条")]


def test_compare_reports_marks_new_results(seed_catalogue, seed_path: Path) -> None:
    old_report = validate(build_graph(seed_catalogue))
    gap = validate(build_graph(_parse(v.item_removed(seed_path, seed_catalogue, 90))))
    fresh = [r for r, new in zip(gap.results, compare_reports(old_report, gap), strict=True) if new]
    # revision IRIs and shifted lines do not make a result new; the gap left by item 90 does
    assert [(r.item, r.severity, r.shape.fragment) for r in fresh] == [(91, "Warning", "NumberGapShape")]
    duplicate = _parse(v.renumbered(seed_path, seed_catalogue, 12, 11))
    report = validate(build_graph(duplicate))
    flags = compare_reports(old_report, report)
    fresh = [r for r, new in zip(report.results, flags, strict=True) if new]
    assert [(r.item, r.severity, r.shape.fragment) for r in fresh] == [
        (11, "Violation", "DuplicateNumberShape"), (11, "Violation", "DuplicateNumberShape"),
        (13, "Warning", "NumberGapShape")]  # fmt: skip
    assert len(flags) - len(fresh) == len(old_report.results)  # every old result is still there


def test_cli_diff_text_json_and_errors(seed_path: Path, seed_catalogue, tmp_path: Path, capsys) -> None:
    new = tmp_path / "new.txt"
    new.write_bytes(v.item_removed(seed_path, seed_catalogue, 5))
    assert main(["diff", str(seed_path), str(new)]) == 0
    assert "item 5 (第5项) 一二孩生育证登记: removed (删除)" in capsys.readouterr().out
    assert main(["diff", str(seed_path), str(new), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["removed"] == 1 and doc["items"][0]["old_number"] == 5
    assert main(["diff", str(seed_path), str(new), "--format", "turtle"]) == 0
    rdf = Graph().parse(data=capsys.readouterr().out, format="turtle")
    (change,) = rdf.subjects(RDF.type, SG.ServiceRemoved)
    assert rdf.value(change, SG.oldNumber).toPython() == 5
    half = tmp_path / "half.txt"
    half.write_bytes(v.cut_in_half(seed_path))
    assert main(["diff", str(seed_path), str(half)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {half}:") and "文件在第" in err and "the file ends at line" in err


@pytest.mark.parametrize("spec", ["nothere.txt", "0123456789ab"])
def test_cli_diff_unknown_revision(tmp_path: Path, seed_path: Path, spec: str, capsys) -> None:
    from servicegraph.store.revisions import RevisionStore

    RevisionStore(tmp_path / "data")
    assert main(["diff", spec, str(seed_path), "--data-dir", str(tmp_path / "data")]) == 2
    assert "no revision" in capsys.readouterr().err


def test_cli_validate_against_marks_new_results(seed_path: Path, seed_catalogue, tmp_path: Path, capsys) -> None:
    new = tmp_path / "dup.txt"
    new.write_bytes(v.renumbered(seed_path, seed_catalogue, 12, 11))
    assert main(["validate", str(new), "--against", str(seed_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[1]
        == f"against {seed_path}: 3 new [new], {len(validate(build_graph(seed_catalogue)).results)} already there"
    )
    marked = [line for line in lines if line.startswith("  [new] ")]
    assert len(marked) == 3 and all(f"{new}:" in line for line in marked)
    assert sum("Violation" in line for line in marked) == 2

    assert main(["validate", str(new), "--against", str(seed_path), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    flagged = [(g["item"], r["severity"]) for g in doc["items"] for r in g["results"] if r["new"]]
    assert flagged == [(11, "Violation"), (11, "Violation"), (13, "Warning")]
    assert doc["against"]["new"] == 3

    assert main(["validate", str(new), "--against", str(seed_path), "--format", "turtle"]) == 1
    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    marks = [m.toPython() for m in report.objects(None, SGS.new)]
    assert sorted(marks) == [False] * (len(marks) - 3) + [True] * 3
    assert len(marks) == len(set(report.subjects(RDF.type, SH.ValidationResult)))


def test_cli_validate_against_a_revision_id(seed_path: Path, seed_catalogue, tmp_path: Path, capsys) -> None:
    """`--against` takes a revision id of `--data-dir` as `diff` does: the same marks as
    against the seed file (3 new results in a copy with item 12 numbered 11)."""
    from servicegraph.store.revisions import RevisionStore

    store = RevisionStore(tmp_path / "data")
    revision_id = store.add(seed_path.read_bytes(), "seed.txt").meta.id
    new = tmp_path / "dup.txt"
    new.write_bytes(v.renumbered(seed_path, seed_catalogue, 12, 11))
    data_dir = str(tmp_path / "data")
    assert main(["validate", str(new), "--against", revision_id, "--data-dir", data_dir]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(f"against {revision_id}: 3 new [new], ")
    assert main(["validate", str(new), "--against", "current", "--data-dir", data_dir, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["against"]["new"] == 3
    assert main(["validate", str(new), "--against", "0123456789ab", "--data-dir", data_dir]) == 2
    assert "no revision" in capsys.readouterr().err
    assert main(["validate", str(new), "--against", revision_id, "--data-dir", str(tmp_path)]) == 2
    assert "is not a revision store" in capsys.readouterr().err
