"""The one home of levels, roles and handling modes (servicegraph.loaders.codes) agrees with
the ontology's code lists sg:Levels, sg:Roles and sg:HandlingModes (ontology/servicegraph.ttl:
the expected values come from there), and the named queries list the levels in its order."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from servicegraph.graph.code_lists import concept, level_of, role_of
from servicegraph.graph.namespaces import SG
from servicegraph.loaders.codes import LEVEL_OF_FILL, ROLE_OF_MARK, HandlingMode, Level, Role, role_of_mark


@pytest.fixture(scope="module")
def ontology() -> Graph:
    text = (resources.files("servicegraph.ontology") / "servicegraph.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def concepts(ontology: Graph, scheme: URIRef) -> set[URIRef]:
    return {c for c in ontology.subjects(SKOS.inScheme, scheme) if (c, RDF.type, SKOS.Concept) in ontology}


def labels(ontology: Graph, iri: URIRef) -> tuple[str, str, str]:
    """(Chinese label, English label, notation) of a concept."""
    pref = {label.language: str(label) for label in ontology.objects(iri, SKOS.prefLabel)}
    notation = ontology.value(iri, SKOS.notation)
    assert isinstance(notation, Literal)
    return pref["zh"], pref["en"], str(notation)


@pytest.mark.parametrize(("enum", "scheme"), [(Level, SG.Levels), (Role, SG.Roles), (HandlingMode, SG.HandlingModes)])
def test_one_member_per_concept_of_the_code_list(ontology: Graph, enum, scheme: URIRef) -> None:
    assert {concept(code) for code in enum} == concepts(ontology, scheme)


def test_levels_have_the_ontology_names(ontology: Graph) -> None:
    for level in Level:
        assert labels(ontology, concept(level)) == (level.zh, level.en, level.zh)
        assert level_of(concept(level)) is level


def test_roles_have_the_ontology_names(ontology: Graph) -> None:
    for role in Role:
        assert labels(ontology, concept(role)) == (role.zh, role.en, role.notation)
        assert role_of(concept(role)) is role


def test_handling_modes_have_the_ontology_names(ontology: Graph) -> None:
    for mode in HandlingMode:
        assert labels(ontology, concept(mode)) == (mode.value, mode.en, mode.slug)


def test_a_level_cell_names_every_role_but_the_implementer_as_its_notation() -> None:
    assert set(ROLE_OF_MARK) == {"审定", "初审", "代办"}  # the roles domain.md lists
    assert all(role_of_mark(mark) is role for mark, role in ROLE_OF_MARK.items())
    assert role_of_mark(None) is Role.implementer


def test_fill_type_level_names_are_the_readme_ones() -> None:
    """README: a fill type's `level` is 市, 区县, 乡镇 (and 村 for the village)."""
    assert list(LEVEL_OF_FILL) == ["市", "区县", "乡镇", "村"]
    assert list(LEVEL_OF_FILL.values()) == list(Level)


@pytest.mark.parametrize("name", ["levels.rq", "service-levels.rq"])
def test_named_queries_order_levels_as_the_source_does(name: str) -> None:
    text = (resources.files("servicegraph.api") / "queries" / name).read_text(encoding="utf-8")
    (values,) = re.findall(r"VALUES \(\?level \?level_order\) \{(.*?)\}\n", text)
    pairs = re.findall(r"\(sg:(\w+) (\d+)\)", values)
    assert pairs == [(level.term, str(n)) for n, level in enumerate(Level, 1)]
