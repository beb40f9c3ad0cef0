"""The shapes compiled to SPARQL (graph/shape_queries.py) find what pyshacl finds.

pyshacl (tests/shacl_oracle.py) is the oracle: on the seed, on corrupted copies of it
(tests/seed_variants.py and line edits), on the hand-written sample of test_shapes.py
with each of its defects, and on mutations of the sample made from the shapes
themselves (each property shape's values removed, doubled, or replaced by a stray
literal or IRI), the compiled validation gives the same results, key for key, but for the
one documented difference (copied contents: one result per item, shacl_oracle.py).
Every shape of shapes/servicegraph.ttl and shapes/status.ttl fires on some fixture.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import seed_variants as v
import test_shapes
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from shacl_oracle import keys, oracle_keys

from servicegraph.graph.build import build_graph
from servicegraph.graph.namespaces import DCTERMS, DEFAULT_BASE, SG
from servicegraph.graph.shape_queries import UnsupportedShape, compile_shapes, shape_nodes
from servicegraph.graph.status import DocumentIndex, status_layer, status_shapes
from servicegraph.graph.validate import load_shapes, validate
from servicegraph.loaders.catalogue import parse_catalogue

STRAY_IRI = URIRef("https://servicegraph.example/stray")
fired: dict[str, set[URIRef]] = {"servicegraph": set(), "status": set()}


def _same(data: Graph, shapes: Graph, which: str) -> None:
    report = validate(data, shapes)
    assert keys(report) == oracle_keys(data, shapes)
    fired[which] |= {r.shape for r in report.results}


def _seed_variants(path, catalogue) -> dict[str, bytes]:
    return {
        "seed": path.read_bytes(),
        "item removed, renumbered": v.item_removed(path, catalogue, 30, renumber=True),
        "items removed": v.items_removed(path, catalogue, {2, 3, 50}),
        "renamed like item 25": v.renamed(path, catalogue, 10, "信访事项查询"),
        "renumbered onto item 5": v.renumbered(path, catalogue, 7, 5),
        "reference to a missing item": v.replaced(path, "同第", "同第9"),
    }


def test_seed_and_corrupted_copies(seed_path, seed_catalogue):
    for name, data in _seed_variants(seed_path, seed_catalogue).items():
        graph = build_graph(parse_catalogue(data, name))
        _same(graph, load_shapes(), "servicegraph")


@pytest.mark.parametrize("case", list(test_shapes.CASES))
def test_each_sample_defect(case):
    graph = test_shapes._sample()
    test_shapes.CASES[case][0](graph)
    _same(graph, load_shapes(), "servicegraph")


def _mutations(data: Graph, shapes: Graph) -> Iterator[tuple[str, Graph]]:
    """For each property shape with an IRI path: its values removed, doubled with a
    stray literal, and replaced by a stray IRI, on every node that has them."""
    for shape in shape_nodes(shapes):
        path = shapes.value(shape, SH.path)
        if not isinstance(path, URIRef):
            continue
        for how in ("removed", "literal added", "iri instead"):
            graph = Graph(identifier=data.identifier)
            graph += data
            for s, _, _ in list(graph.triples((None, path, None))):
                if how != "literal added":
                    graph.remove((s, path, None))
                if how != "removed":
                    graph.add((s, path, STRAY_IRI if how == "iri instead" else Literal("x", lang="zh")))
            yield f"{shape.fragment} {how}", graph


def test_mutations_of_the_sample():
    shapes = load_shapes()
    for _, graph in _mutations(test_shapes._sample(), shapes):
        _same(graph, shapes, "servicegraph")
    level_of_a_fill_type = test_shapes._sample()  # no fill-in type entry of the sample has a level
    level_of_a_fill_type.add((URIRef(f"{test_shapes.S1}/fill-type/1"), SG.level, SG.implementer))
    _same(level_of_a_fill_type, shapes, "servicegraph")


@pytest.fixture(scope="module")
def status_data(seed_graph) -> Graph:
    data = Graph()
    data += status_layer(seed_graph, None, DEFAULT_BASE)
    for triple in DocumentIndex.from_graph(seed_graph, DEFAULT_BASE).type_triples():
        data.add(triple)
    change = URIRef(DEFAULT_BASE + "status/change/1")  # the shipped table maps no provision
    data.add((change, RDF.type, SG.ProvisionChange))
    data.add((change, SG.fromProvision, URIRef(DEFAULT_BASE + "legal/x/art_1")))
    data.add((change, SG.change, SG.renumbered))
    data.add((change, SG.toProvision, URIRef(DEFAULT_BASE + "legal/x/art_2")))
    return data


def test_status_layer_and_its_mutations(status_data):
    shapes = status_shapes()
    _same(status_data, shapes, "status")
    for _, graph in _mutations(status_data, shapes):
        _same(graph, shapes, "status")
    replaced = Graph()
    replaced += status_data
    for fact in set(replaced.subjects(SG.replacement, None)):
        replaced.remove((fact, SG.replacement, None))
    _same(replaced, shapes, "status")
    nowhere = Graph()
    nowhere += status_data
    nowhere.remove((None, SG.toProvision, None))
    _same(nowhere, shapes, "status")


def test_every_shape_fires_on_some_fixture():
    """Runs last in this module (pytest keeps file order): every shape fired above."""
    assert set(shape_nodes(load_shapes())) - fired["servicegraph"] == set()
    assert set(shape_nodes(status_shapes())) - fired["status"] == set()


def test_an_unsupported_construct_is_refused_when_compiled():
    shapes = Graph()
    shapes += load_shapes()
    shapes.add((URIRef(str(SG) + "Odd"), RDF.type, SH.NodeShape))
    shapes.add((URIRef(str(SG) + "Odd"), SH.targetClass, SG.Citation))
    shapes.add((URIRef(str(SG) + "Odd"), SH.closed, Literal(True)))
    with pytest.raises(UnsupportedShape, match="closed"):
        compile_shapes(shapes)


def test_a_content_shared_by_three_items_gives_one_result_per_item(seed_graph):
    """Items 10, 11 and 12 of the seed given one content: three results (pyshacl, with the
    pairwise query, gives six), each naming the lowest-numbered other item and counting 2."""
    graph = Graph(identifier=seed_graph.identifier)
    graph += seed_graph
    for service in [s for s, n in graph.subject_objects(SG.number) if n.toPython() in (10, 11, 12)]:
        graph.set((service, DCTERMS.description, Literal("同一内容", lang="zh")))
    report = validate(graph)
    copied = [r for r in report.results if r.shape.fragment == "DuplicateContentShape" and r.item in (10, 11, 12)]
    assert sorted((r.item, r.value_item) for r in copied) == [(10, 11), (11, 10), (12, 10)]
    assert {r.message_zh for r in copied} == {"行使内容与其他2个事项完全相同(值为其中序号最小的一项)"}
    assert keys(report) == oracle_keys(graph, load_shapes())
