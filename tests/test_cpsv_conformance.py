"""The seed graph conforms to the official CPSV-AP 3.2.0 SHACL shapes for the classes it uses.

The graph is validated as built, with no inference and no ontology graph: it types
every node itself (agencies are also foaf:Agent, code values skos:Concept, provisions
eli:LegalResource), which is what the official shapes' sh:class constraints need.
The same holds with RDFS inference, which the mapping mentions for the foaf:Agent shape.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from servicegraph.graph import namespaces as ns
from servicegraph.graph.namespaces import CPSV, CV, DCTERMS, ELI, FOAF, SKOS

OFFICIAL = Path(__file__).resolve().parent.parent / "shapes" / "official" / "cpsv-ap-3.2.0-SHACL.ttl"
USED_CLASSES = {
    CPSV.PublicService, CV.Participation, CPSV.Rule, CV.PublicOrganisation, FOAF.Agent,
    CV.Channel, ELI.LegalResource, SKOS.Concept, DCTERMS.Location, ns.DCAT.Dataset,
}  # fmt: skip


@pytest.fixture(scope="module")
def official() -> Graph:
    return Graph().parse(OFFICIAL, format="turtle")


def _violations(data: Graph, shapes: Graph, inference: str) -> list[tuple[str, str, str]]:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference=inference)
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultPath)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.resultSeverity) == SH.Violation
    )


def test_the_official_shapes_target_every_class_the_graph_uses(seed_graph, official):
    """Not a vacuous pass: each class we use has instances and an official shape."""
    targeted = set(official.objects(None, SH.targetClass))
    for cls in USED_CLASSES:
        assert cls in targeted, cls
        assert (None, RDF.type, cls) in seed_graph, cls


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_seed_graph_has_no_cpsv_ap_violation(seed_graph, official, inference):
    assert _violations(seed_graph, official, inference) == []


def test_a_service_without_identifier_breaks_the_official_shapes(seed_graph, official):
    """The check can fail: remove one service's dct:identifier and CPSV-AP reports it."""
    service = next(seed_graph.subjects(RDF.type, CPSV.PublicService))
    broken = Graph()
    for triple in seed_graph:
        if not (triple[0] == service and triple[1] == DCTERMS.identifier):
            broken.add(triple)
    violations = _violations(broken, official, "none")
    assert [(focus, path) for focus, _, path in violations] == [(str(service), str(DCTERMS.identifier))]
    assert violations[0][1].endswith("#PublicServiceShape/6c7c1bd2ab3b7761e5be759a078a9fd93f411a57")
