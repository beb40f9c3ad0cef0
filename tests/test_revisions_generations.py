"""A new generation is the previous one plus what the upload adds (store/derive.py).

Expected values come from the previous generation itself: the new one must hold exactly
its named graphs' quads (but the metadata graph's old current-revision link, or the status
layer being replaced), plus the new revision's named graph, change set and metadata; its
default graph must be the new current revision and the status layer; and its statistics
must equal a recount of the whole store (`write_snapshot` counts from scratch). A remote
engine is sent the new revision's graph and the small shared graphs, never an old revision.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_variants as v
from engines import oxigraph_server
from test_revisions_crash import _raise_at

from servicegraph.graph.namespaces import SG
from servicegraph.loaders.status import parse_status
from servicegraph.store.derive import Edit, derive_snapshot
from servicegraph.store.engine import Snapshot
from servicegraph.store.graph_store import GraphStore, publish_snapshot
from servicegraph.store.pointer import pointer_iri
from servicegraph.store.revisions import STAGES, RevisionStore
from servicegraph.store.snapshots import write_snapshot

HEADER = "document,event,date,replacement,provisions,source\n"
POWER = HEADER + "《中华人民共和国电力法》,amended,2025-01-01,,第二十六条→第二十八条,written for the test\n"
BLOOD = HEADER + "《重庆市献血条例》,repealed,2024-06-01,,,written for the test\n"
CURRENT_REVISION = ox.NamedNode(str(SG.currentRevision))


def _quads(snapshot: Snapshot) -> set[ox.Quad]:
    store = ox.Store.read_only(str(snapshot.path))
    try:
        return set(store.quads_for_pattern(None, None, None, None))
    finally:
        del store


def _named(quads: set[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}


def _in(quads: set[ox.Quad], graph: str) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in quads if q.graph_name == ox.NamedNode(graph)}


def _default(quads: set[ox.Quad]) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}


def _recounted(snapshot: Snapshot, tmp_path: Path):
    """The statistics of the same quads written from scratch."""
    fresh = write_snapshot(tmp_path / f"recount-{snapshot.generation}", snapshot.generation, _quads(snapshot))
    return replace(fresh.statistics, modified=snapshot.statistics.modified)


@pytest.fixture
def store(tmp_path: Path, seed_path: Path):
    with RevisionStore(tmp_path / "data") as store:
        store.add(seed_path.read_bytes(), "seed.txt")
        store.add_status(parse_status(POWER.encode(), "power.csv"), POWER.encode())
        yield store


def test_a_revision_adds_its_graphs_to_the_previous_generation_and_nothing_else(
    store: RevisionStore, seed_path: Path, seed_catalogue, tmp_path: Path
) -> None:
    before = store.current_snapshot()
    old = _quads(before)
    outcome = store.add(v.item_removed(seed_path, seed_catalogue, 5), "removed.txt")
    assert outcome.snapshot is not None
    new = _quads(outcome.snapshot)

    gone = _named(old) - new
    assert {(q.predicate, q.graph_name) for q in gone} == {(CURRENT_REVISION, ox.NamedNode(store.metadata_graph))}
    came = _named(new) - old
    assert {q.graph_name.value for q in came} == {outcome.meta.iri, store.changes_graph, store.metadata_graph}
    assert _in(came, outcome.meta.iri) == _in(new, outcome.meta.iri)  # a whole new graph
    assert len(_in(new, outcome.meta.iri)) > 10_000
    assert _in(came, store.changes_graph) and _in(came, store.metadata_graph)
    # the default graph: the new revision and the status layer (kept from the previous generation)
    assert _in(new, store.status_graph) == _in(old, store.status_graph) != set()
    assert _default(new) == _in(new, outcome.meta.iri) | _in(new, store.status_graph)
    assert outcome.snapshot.statistics == _recounted(outcome.snapshot, tmp_path)


def test_the_new_generation_starts_as_hard_links_to_the_previous_ones_files(store: RevisionStore, seed_path) -> None:
    before = store.current_snapshot()
    copied: dict[str, set[int]] = {}

    def look(step: str) -> None:
        if step == "generation-copied":
            copied["inodes"] = {p.stat().st_ino for p in (before.path.parent / "3").glob("*.sst")}

    store.step = look
    outcome = store.add(v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条"), "article.txt")
    assert outcome.snapshot is not None and outcome.snapshot.generation == before.generation + 1 == 3
    old = {p.stat().st_ino for p in before.path.glob("*.sst")}
    assert old and copied["inodes"] == old  # every table file linked, none copied


def test_a_status_file_replaces_only_the_status_layer(store: RevisionStore, tmp_path: Path) -> None:
    before = store.current_snapshot()
    old = _quads(before)
    meta, snapshot = store.add_status(parse_status(BLOOD.encode(), "blood.csv"), BLOOD.encode())
    new = _quads(snapshot)
    assert {q.graph_name.value for q in _named(old) ^ _named(new)} == {store.status_graph}
    assert _in(old, store.status_graph) < _in(new, store.status_graph)  # both files' facts
    revision = store.revision_iri(store.current_id())
    assert _default(new) == _in(new, revision) | _in(new, store.status_graph)
    assert snapshot.statistics == _recounted(snapshot, tmp_path)
    assert meta.generation == snapshot.generation == before.generation + 1


@pytest.mark.parametrize("step", ["generation-copied", "writing-generation", "generation-written"])
def test_a_status_file_failing_at_a_step_leaves_the_store_as_it_was(store: RevisionStore, step: str) -> None:
    before = store.current_snapshot()
    files = sorted(p.name for p in (store.directory / "status").iterdir())
    store.step = _raise_at(step)
    with pytest.raises(RuntimeError, match=step):
        store.add_status(parse_status(BLOOD.encode(), "blood.csv"), BLOOD.encode())
    assert store.current_snapshot() == before and max(store.generations()) == before.generation
    assert sorted(p.name for p in (store.directory / "status").iterdir()) == files  # nothing staged is left
    assert not (store.directory / "generations" / f"{before.generation + 1}.json").exists()
    store.step = _raise_at("none")  # and the same file goes in afterwards
    meta, _ = store.add_status(parse_status(BLOOD.encode(), "blood.csv"), BLOOD.encode())
    assert meta.generation == before.generation + 1


def test_progress_hears_each_stage_in_order_with_the_items(store: RevisionStore, seed_path, seed_catalogue) -> None:
    heard: list[tuple[str, int, int]] = []
    store.add(v.item_removed(seed_path, seed_catalogue, 7), "removed.txt", progress=lambda *a: heard.append(a))
    stages = list(dict.fromkeys(stage for stage, _, _ in heard))
    assert stages == list(STAGES)
    assert heard[0] == ("parsing", 0, 0) and heard[-1] == ("publishing", 97, 97)  # the seed less one item
    assert all(total == 97 for stage, _, total in heard if stage != "parsing")
    for stage in STAGES:
        done = [d for s, d, _ in heard if s == stage]
        assert done[0] == 0 and done == sorted(done), stage


def test_a_remote_engine_is_sent_the_new_revision_graph_not_the_old_ones(
    store: RevisionStore, seed_path: Path, tmp_path: Path, monkeypatch
) -> None:
    sent: list[tuple[str, str | None]] = []
    bulk: list[str | None] = []  # the graphs loaded by Oxigraph's bulk loader
    send = GraphStore._send

    def recording(self, method: str, graph: str | None, **kwargs):
        sent.append((method, graph))
        if "no_transaction" in (kwargs.get("extra") or {}):
            bulk.append(graph)
        return send(self, method, graph, **kwargs)

    monkeypatch.setattr(GraphStore, "_send", recording)
    with oxigraph_server(tmp_path / "engine") as engine, GraphStore(engine.store_url) as graph_store:
        publish_snapshot(graph_store, store.current_snapshot(), store.base)
        seed_iri = store.revision_iri(store.current_id())
        assert ("POST", seed_iri) in sent
        sent.clear()
        outcome = store.add(v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条"), "a.txt")
        assert outcome.snapshot is not None
        publish_snapshot(graph_store, outcome.snapshot, store.base)
    loaded = {graph for method, graph in sent if method in ("POST", "DELETE")}
    assert loaded == {outcome.meta.iri}  # the new revision's graph; the seed's is not sent again
    assert bulk == [seed_iri, outcome.meta.iri]  # an Oxigraph server loads them outside a transaction
    replaced = {graph for method, graph in sent if method == "PUT"}
    assert replaced == {store.metadata_graph, store.changes_graph, store.status_graph, pointer_iri(store.base)}


def test_a_graph_with_blank_nodes_is_copied_into_the_default_graph_as_it_is(tmp_path: Path) -> None:
    """The default graph is filled by bulk loading, which renames blank nodes: a graph
    holding any is copied by an update instead (expected: the named graph's own triples)."""
    graph, p = ox.NamedNode("http://example.org/g"), ox.NamedNode("http://example.org/p")
    quads = [ox.Quad(ox.BlankNode("b1"), p, ox.Literal("_:b1"), graph), ox.Quad(p, p, ox.BlankNode("b2"), graph)]
    snapshot = derive_snapshot(None, tmp_path / "1", 1, Edit((), quads, (graph,)))
    held = _quads(snapshot)
    assert {ox.Quad(q.subject, q.predicate, q.object) for q in quads} | set(quads) == held
    assert snapshot.statistics.default_graph_triples == 2
