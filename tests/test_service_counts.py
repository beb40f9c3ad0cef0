"""The builder's sg:restsOn, sg:servicesResting and sg:servicesCiting (docs/model.md) against the
citations themselves: the expected counts come from the loader's records (each item's
citations, documents merged by graph.statutes), not from the graph's counts."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef

from servicegraph.graph.build import document_iris
from servicegraph.graph.iris import Minter, provision
from servicegraph.graph.namespaces import SG
from servicegraph.graph.statutes import identify


def expected_counts(catalogue) -> tuple[dict[URIRef, set[int]], dict[URIRef, set[int]]]:
    """(resting, citing): each cited document and provision → the numbers of the items
    citing it or a part of it; … citing exactly it."""
    statutes = identify(catalogue.items)
    iris = document_iris(statutes, Minter("https://servicegraph.example/", catalogue.sha256))
    resting: dict[URIRef, set[int]] = defaultdict(set)
    citing: dict[URIRef, set[int]] = defaultdict(set)
    for item in catalogue.items:
        for c in item.citations:
            doc = iris[id(statutes.document(c))]
            citing[provision(doc, c.provision)].add(item.number)
            for depth in range(len(c.provision) + 1):
                resting[provision(doc, c.provision[:depth])].add(item.number)
    return resting, citing


def counts(graph: Graph, predicate: URIRef) -> dict[URIRef, int]:
    return {s: int(o) for s, o in graph.subject_objects(predicate)}  # type: ignore[call-overload]


def test_counts_match_the_records(seed_graph: Graph, seed_catalogue) -> None:
    resting, citing = expected_counts(seed_catalogue)
    assert len({i.number for i in seed_catalogue.items}) == len(seed_catalogue.items)  # numbers identify items
    # an item citing two provisions of one article rests on it once (so counting citations is wrong)
    assert any(
        len([c for c in item.citations if c.provision and c.provision[:1] == p]) > 1
        for item in seed_catalogue.items
        for p in {c.provision[:1] for c in item.citations if c.provision}
    )
    assert counts(seed_graph, SG.servicesResting) == {r: len(n) for r, n in resting.items()}
    assert counts(seed_graph, SG.servicesCiting) == {r: len(n) for r, n in citing.items()}
    numbers = {s: int(n) for s, n in seed_graph.subject_objects(SG.number)}  # type: ignore[call-overload]
    rests = defaultdict(set)
    for service, basis in seed_graph.subject_objects(SG.restsOn):
        rests[basis].add(numbers[service])
    assert rests == resting
    electricity = URIRef("https://servicegraph.example/legal/中华人民共和国电力法/art_26")
    assert counts(seed_graph, SG.servicesResting)[electricity] == 5  # items 44–48 (README)
