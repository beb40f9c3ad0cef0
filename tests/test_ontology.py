"""The ontology declares every term of its own, and the graph uses no term that nobody declares."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
)

from servicegraph.graph.export import counts_of, description
from servicegraph.graph.namespaces import CPSV, CV, DEFAULT_BASE, ELI, SG

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes" / "official" / "cpsv-ap-3.2.0-SHACL.ttl"
DEFINED = (DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD)
"""Standard vocabularies whose terms rdflib knows: a term must be one of them."""
ELI_TERMS = {
    ELI[t]
    for t in (
        "LegalResource",
        "LegalResourceSubdivision",
        "is_part_of",
        "number",
        "type_subdivision",
        "id_local",
        "type_document",
    )
}
"""The ELI ontology terms the issue names (ELI publishes no file we can read offline)."""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "servicegraph.ttl")


@pytest.fixture(scope="module")
def cpsv_ap_terms() -> set[URIRef]:
    shapes = Graph().parse(SHAPES)
    return {
        o
        for p in (SH.path, SH["class"], SH.targetClass)
        for o in shapes.objects(None, p)
        if isinstance(o, URIRef) and str(o).startswith((str(CV), str(CPSV)))
    }


def own_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(SG))}


def test_every_own_term_has_zh_and_en_labels_and_a_one_line_comment(ontology: Graph) -> None:
    terms = own_terms(ontology)
    assert len(terms) > 40
    for term in terms:
        labels = {lit.language for lit in ontology.objects(term, RDFS.label) if isinstance(lit, Literal)}
        assert {"zh", "en"} <= labels, term
        comments = list(ontology.objects(term, RDFS.comment))
        assert len(comments) == 1 and "\n" not in comments[0], term


def test_every_own_term_has_a_kind(ontology: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme}
    for term in own_terms(ontology):
        assert set(ontology.objects(term, RDF.type)) & kinds, term


def test_every_code_value_is_in_a_scheme_with_zh_and_en_names(ontology: Graph) -> None:
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        scheme = ontology.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology, concept
        assert {lit.language for lit in ontology.objects(concept, SKOS.prefLabel)} == {"zh", "en"}


def declared(term: URIRef, ontology: Graph, cpsv_ap_terms: set[URIRef]) -> bool:
    if str(term).startswith(str(SG)):
        return (term, RDF.type, None) in ontology
    if str(term).startswith((str(CV), str(CPSV))):
        return term in cpsv_ap_terms
    if str(term).startswith(str(ELI)):
        return term in ELI_TERMS
    return any(str(term).startswith(str(ns)) and term in ns for ns in DEFINED)


def test_every_predicate_and_class_of_the_seed_graph_and_its_description_is_declared(
    seed_graph: Graph, seed_catalogue, ontology: Graph, cpsv_ap_terms: set[URIRef]
) -> None:
    void = description(counts_of(seed_graph), seed_catalogue, DEFAULT_BASE, datetime(2026, 1, 1))
    for graph in (seed_graph, void):
        used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
        undeclared = sorted(t for t in used if not declared(t, ontology, cpsv_ap_terms))
        assert undeclared == []


def test_every_predicate_and_class_a_revision_store_serves_is_declared(
    tmp_path: Path, seed_path: Path, seed_catalogue, ontology: Graph, cpsv_ap_terms: set[URIRef]
) -> None:
    """Metadata and change-set graphs included: two revisions, the second losing item 8."""
    import pyoxigraph as ox
    import seed_variants

    from servicegraph.store.revisions import RevisionStore

    store = RevisionStore(tmp_path)
    store.add(seed_path.read_bytes(), "seed.txt")
    store.add(seed_variants.item_removed(seed_path, seed_catalogue, 8), "revised.txt")
    served = ox.Store.read_only(str(store.current_snapshot().path))
    rdf_type = ox.NamedNode(str(RDF.type))
    used = {URIRef(q.predicate.value) for q in served} | {
        URIRef(q.object.value) for q in served.quads_for_pattern(None, rdf_type, None)
    }
    assert {URIRef(f"{SG}currentRevision"), URIRef(f"{SG}ChangeSet"), URIRef(f"{SG}ServiceRemoved")} <= used
    assert sorted(t for t in used if not declared(t, ontology, cpsv_ap_terms)) == []


def test_the_check_catches_an_undeclared_term(ontology: Graph, cpsv_ap_terms: set[URIRef]) -> None:
    for ns in (SG, DCTERMS, CV, ELI):
        assert not declared(URIRef(f"{ns}notATerm"), ontology, cpsv_ap_terms)
    assert declared(CV.hasParticipation, ontology, cpsv_ap_terms)


def test_every_code_value_the_seed_graph_uses_is_typed_in_the_graph(seed_graph: Graph) -> None:
    values = {o for _, p, o in seed_graph if p != RDF.type and isinstance(o, URIRef) and str(o).startswith(str(SG))}
    assert values
    assert all(
        (v, RDF.type, SKOS.Concept) in seed_graph or (v, RDF.type, SKOS.ConceptScheme) in seed_graph for v in values
    )
