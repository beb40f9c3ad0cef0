"""Validating some items (`validate_store(..., items=...)`) gives what a full validation
gives for those items, plus the results of the shapes run over the whole graph (shared
nodes, cross-item checks); `progress` is called once per query and at the end.

The defects are made on the seed's graph by hand; the expected results are the full
validation's, filtered (docs/validation.md, "Validating what changed").
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal

from servicegraph.graph.namespaces import CV, DCTERMS, SG
from servicegraph.graph.shape_queries import compile_shapes
from servicegraph.graph.validate import item_bound, load_shapes, validate, validate_store


@pytest.fixture(scope="module")
def broken(seed_graph) -> Graph:
    """The seed with item 10's name removed, item 20's levels' roles removed, item 30's
    number made item 31's (a duplicate: cross-item) and item 40's content made item 41's."""
    graph = Graph(identifier=seed_graph.identifier)
    graph += seed_graph
    service = {n.toPython(): s for s, n in graph.subject_objects(SG.number)}
    graph.remove((service[10], DCTERMS.title, None))
    for participation in graph.objects(service[20], CV.hasParticipation):
        graph.remove((participation, CV.role, None))
    graph.set((service[30], SG.number, Literal(31)))
    graph.set((service[40], DCTERMS.description, graph.value(service[41], DCTERMS.description)))
    return graph


def _store(graph: Graph) -> tuple[ox.Store, ox.NamedNode]:
    store, name = ox.Store(), ox.NamedNode(str(graph.identifier))
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    return store, name


@pytest.mark.parametrize("items", [{10, 20}, {16, 63, 70}, {31, 40}, {10, 20, 30, 40, 41, 63, 999}, set()])
def test_some_items_give_the_full_results_of_those_items(broken, items):
    full = validate(broken)
    whole = {q.shape for q in compile_shapes(load_shapes(), True) if not item_bound(q)}
    expected = [r for r in full.results if r.item in items or r.shape in whole]
    store, name = _store(broken)
    assert list(validate_store(store, name, items=items).results) == expected
    assert {r.item for r in expected} >= items & {10, 20, 16, 63, 70, 31, 40} - {41}  # each chosen defect is there


def test_the_item_bound_shapes_are_those_of_an_items_own_nodes():
    bound = {q.shape.fragment for q in compile_shapes(load_shapes(), True) if item_bound(q)}
    assert {"ServiceName", "ParticipationRole", "CitationProvision", "FillTypeCategory", "SourceRowFirst"} <= bound
    whole = {"DuplicateNumberShape", "DuplicateContentShape", "NumberGapShape", "CrossReferenceShape", "UnmarkedRole",
             "UnmarkedLevel", "AgencyName", "LegalResourceName", "RevisionHash"}  # fmt: skip
    assert bound.isdisjoint(whole)


def test_progress_is_called_after_each_query_and_at_the_end(seed_graph):
    store, name = _store(seed_graph)
    calls: list[tuple[int, int]] = []
    validate_store(store, name, progress=lambda done, total: calls.append((done, total)))
    total = len(compile_shapes(load_shapes(), True)) + 1
    assert calls == [(done, total) for done in range(1, total + 1)]
