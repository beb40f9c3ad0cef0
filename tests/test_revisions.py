"""The revision store: which revisions of the seed become current, what each generation
holds, and a store reopened on the same directory."""

from __future__ import annotations

import json
import os
import re
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_variants as v

from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.loaders.errors import CatalogueError
from servicegraph.store.revisions import (
    DirectoryInUse,
    RevisionError,
    RevisionExists,
    RevisionStore,
    open_store,
)

B = DEFAULT_BASE
BLOOD = "《重庆市献血条例》第九条"


def _query(snapshot_path: Path, query: str) -> list[tuple[str | None, ...]]:
    store = ox.Store.read_only(str(snapshot_path))
    try:
        results = store.query(query)
        return [tuple(None if r[x] is None else r[x].value for x in results.variables) for r in results]
    finally:
        del store


def _default_graph_revision_and_count(path: Path) -> list[tuple[str | None, ...]]:
    return _query(
        path,
        """
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX cpsv: <http://purl.org/vocab/cpsv#>
        SELECT ?rev (COUNT(?s) AS ?n) { ?rev a dcat:Dataset . ?s a cpsv:PublicService } GROUP BY ?rev""",
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory, seed_path: Path, seed_catalogue):
    """A store fed, in order: the seed, an article number changed, a broken row, an item
    removed, a Violation, a GBK copy of the seed, a CRLF copy of the item removed, another
    item removed in GBK, the seed cut in half."""
    store = RevisionStore(tmp_path_factory.mktemp("revisions") / "data")
    outcomes: dict[str, object] = {}
    removed = v.item_removed(seed_path, seed_catalogue, 5)
    uploads = {
        "seed": seed_path.read_bytes(),
        "article": v.replaced(seed_path, BLOOD, "《重庆市献血条例》第十条"),
        "broken": v.cell_dropped(seed_path, seed_catalogue, 10, "item_type"),
        "removed": removed,
        "violation": v.renumbered(seed_path, seed_catalogue, 12, 11),
        "gbk": v.gbk(seed_path),
        "crlf": removed.replace(b"\n", b"\r\n"),
        "other-gbk": v.item_removed(seed_path, seed_catalogue, 20).decode("utf-8").encode("gbk"),
        "half": v.cut_in_half(seed_path),
    }
    for name, data in uploads.items():
        try:
            outcomes[name] = store.add(data, f"{name}.txt")
        except (CatalogueError, RevisionExists) as exc:
            outcomes[name] = exc
    yield store, outcomes
    store.close()


def test_which_revisions_become_current(history) -> None:
    store, outcomes = history
    accepted = {n for n, o in outcomes.items() if not isinstance(o, Exception) and o.snapshot is not None}
    assert accepted == {"seed", "article", "removed", "other-gbk"}
    assert store.current_id() == outcomes["other-gbk"].meta.id
    assert [m.source for m in store.revisions()] == [
        "seed.txt",
        "article.txt",
        "removed.txt",
        "violation.txt",
        "other-gbk.txt",
    ]
    assert [m.status for m in store.revisions()] == ["accepted", "accepted", "accepted", "rejected", "accepted"]
    parents = {m.source: m.parent for m in store.revisions()}
    ids = {m.source: m.id for m in store.revisions()}
    assert parents == {
        "seed.txt": None,
        "article.txt": ids["seed.txt"],
        "removed.txt": ids["article.txt"],
        "violation.txt": ids["removed.txt"],
        "other-gbk.txt": ids["removed.txt"],
    }


def test_unreadable_uploads_name_file_and_line(history) -> None:
    _, outcomes = history
    broken, half = outcomes["broken"], outcomes["half"]
    assert isinstance(broken, CatalogueError) and broken.source == "broken.txt"
    assert "it has 13 of 14 cells" in broken.message and broken.line is not None
    assert isinstance(half, CatalogueError) and half.source == "half.txt" and half.line is not None


def test_a_violation_is_rejected_with_its_report(history) -> None:
    store, outcomes = history
    rejected = outcomes["violation"]
    assert rejected.snapshot is None and rejected.meta.generation is None
    assert rejected.meta.counts["Violation"] == 2
    report = store.report_json(rejected.meta.id)
    assert report["conforms"] is False
    (group,) = [g for g in report["items"] if g["item"] == 11]
    violation = next(r for r in group["results"] if r["severity"] == "Violation")
    assert set(violation) >= {"severity", "item", "line", "shape", "path", "value", "message"}
    assert violation["shape"] == "sgs:DuplicateNumberShape" and violation["path"] == "sg:number"
    assert violation["message"]["zh"] and violation["message"]["en"]
    assert "sh:ValidationReport" in store.report_turtle(rejected.meta.id)
    # marked against the parent: the Violations are new, the seed's warnings were there
    results = [r for g in report["items"] for r in g["results"]]
    assert report["against"]["revision"] == outcomes["removed"].meta.id
    assert all(r["new"] for r in results if r["severity"] == "Violation")
    assert report["against"]["new"] == sum(r["new"] for r in results) < len(results)
    assert report["against"]["already_there"] == len(results) - report["against"]["new"] > 40
    assert rejected.changes.renumbered[0].old_number == 12  # diffed against the current revision


def test_the_same_catalogue_in_other_bytes_is_a_duplicate(history) -> None:
    _, outcomes = history
    for copy, original in (("gbk", "seed"), ("crlf", "removed")):  # re-encoded, other line ends
        refused = outcomes[copy]
        assert isinstance(refused, RevisionExists), copy
        assert refused.meta == outcomes[original].meta
        assert "same parsed content" in str(refused) and original + ".txt" in str(refused)
    other = outcomes["other-gbk"]  # GBK with other content is a new revision
    assert other.meta.encoding == "gb18030" and other.meta.items == 97
    assert ("added", 5) in [(c.kind, c.number) for c in other.changes.items]  # item 5 is back (parent: removed)


def test_generation_holds_every_accepted_revision_and_the_current_as_default(history) -> None:
    store, outcomes = history
    snapshot = store.current_snapshot()
    graphs = {g for g, _ in snapshot.statistics.graphs}
    accepted = [outcomes[n].meta.iri for n in ("seed", "article", "removed", "other-gbk")]
    assert graphs == {*accepted, f"{B}revisions", f"{B}changes"}
    assert outcomes["violation"].meta.iri not in graphs
    assert _default_graph_revision_and_count(snapshot.path) == [(outcomes["other-gbk"].meta.iri, "97")]
    current = _query(
        snapshot.path,
        """PREFIX sg: <https://servicegraph.example/ontology#>
        SELECT ?rev { GRAPH ?g { ?c sg:currentRevision ?rev } }""",
    )
    assert current == [(outcomes["other-gbk"].meta.iri,)]
    parent = _query(
        snapshot.path,
        """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?p { ?r prov:wasRevisionOf ?p }""",
    )
    assert parent == [(outcomes["removed"].meta.iri,)]


def test_older_revisions_stay_queryable(history) -> None:
    store, outcomes = history
    path = store.current_snapshot().path
    article = outcomes["article"].meta.iri
    rows = _query(
        path,
        f"""PREFIX cv: <http://data.europa.eu/m8g/> PREFIX sg: <https://servicegraph.example/ontology#>
        SELECT ?n {{ GRAPH <{article}> {{
            ?s sg:number ?n ; cv:hasLegalResource <{B}legal/重庆市献血条例/art_10> }} }}""",
    )
    assert rows == [("8",)]
    changes = _query(
        path,
        """PREFIX sg: <https://servicegraph.example/ontology#>
        SELECT ?from ?to { GRAPH ?g { ?cs a sg:ChangeSet ; sg:fromRevision ?from ; sg:toRevision ?to } }""",
    )
    ids = [outcomes[n].meta.iri for n in ("seed", "article", "removed", "other-gbk")]
    assert sorted(changes) == sorted(pairwise(ids))


def test_lost_legal_basis_query_on_the_store(tmp_path: Path, seed_path: Path) -> None:
    store = RevisionStore(tmp_path / "data")
    store.add(seed_path.read_bytes(), "seed.txt")
    store.add(v.replaced(seed_path, BLOOD, "《重庆市献血条例》第十条"), "article.txt")
    query = (Path(__file__).parent.parent / "api" / "queries" / "lost-legal-basis.rq").read_text(encoding="utf-8")
    rows = _query(store.current_snapshot().path, query)
    assert [(r[3], r[4], r[5], r[6]) for r in rows] == [
        ("8", "组织和动员适龄公民献血服务", f"{B}legal/重庆市献血条例/art_9", "《重庆市献血条例》第九条")
    ]


def test_same_bytes_twice_is_refused_before_they_are_parsed(tmp_path: Path, seed_path: Path, monkeypatch) -> None:
    """Restarting `serve FILE --data-dir DIR` with the file DIR holds serves at once: no parse."""
    from servicegraph.store import revisions

    store = RevisionStore(tmp_path / "data")
    first = store.add(seed_path.read_bytes(), "seed.txt")
    monkeypatch.setattr(revisions, "parse_catalogue", lambda *args: pytest.fail("parsed again"))
    with pytest.raises(RevisionExists) as caught:
        store.add(seed_path.read_bytes(), "again.txt")
    assert caught.value.meta == first.meta
    assert str(caught.value).startswith("these bytes")
    assert store.current_snapshot().generation == 1


def test_reopened_store_comes_back_with_every_revision(history) -> None:
    store, _ = history
    again = RevisionStore(store.directory, read_only=True)
    assert again.revisions() == store.revisions()
    assert again.current_id() == store.current_id()
    reopened = again.current_snapshot()
    assert reopened == store.current_snapshot()  # the same generation, not rebuilt
    assert json.loads((store.directory / "current").read_text())["generation"] == reopened.generation


def test_prune_keeps_the_current_generation(tmp_path: Path, seed_path: Path, seed_catalogue) -> None:
    store = RevisionStore(tmp_path / "data")
    store.add(seed_path.read_bytes(), "seed.txt")
    store.add(v.item_removed(seed_path, seed_catalogue, 5), "removed.txt")
    assert store.generations() == [1, 2]
    (store.directory / "generations" / "3").mkdir()  # a generation being written
    assert store.prune(()) == [1]
    assert store.generations() == [2, 3]
    assert _default_graph_revision_and_count(store.current_snapshot().path)[0][1] == "97"


def test_store_keeps_its_base(tmp_path: Path) -> None:
    RevisionStore(tmp_path / "data", "https://data.example.gov.cn/dianjiang/")
    assert RevisionStore(tmp_path / "data").base == "https://data.example.gov.cn/dianjiang/"
    with pytest.raises(RevisionError, match="minted under"):
        RevisionStore(tmp_path / "data", "https://other.example/")


def test_open_store_refuses_a_file_with_a_violation(tmp_path: Path, seed_path: Path, seed_catalogue) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(v.renumbered(seed_path, seed_catalogue, 12, 11))
    with pytest.raises(RevisionError, match="Violation"):
        open_store(tmp_path / "data", bad)
    with open_store(tmp_path / "data", seed_path) as store:
        assert store.get("current").source == seed_path.name
        current = store.current_id()
    with open_store(tmp_path / "data", seed_path) as again:  # already there
        assert again.current_id() == current


def test_a_second_writer_is_refused_while_the_first_lives(tmp_path, seed_path):
    first = RevisionStore(tmp_path)
    held = f"{tmp_path} is in use by another servicegraph process (pid {os.getpid()})"
    with pytest.raises(DirectoryInUse, match=re.escape(held)):
        RevisionStore(tmp_path)
    assert RevisionStore(tmp_path, read_only=True).revisions() == []  # readers take no lock
    first.close()
    with RevisionStore(tmp_path) as second:  # the lock goes with the first store
        assert second.add(seed_path.read_bytes(), "seed.txt").meta.status == "accepted"
