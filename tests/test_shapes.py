"""The shapes one by one, on a small hand-written graph that follows docs/model.md.

The sample conforms with no result at all; each test breaks one thing and asserts the
exact results that follow. The seed and the CLI are tested in test_validate.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from servicegraph.graph.namespaces import CPSV, CV, DCTERMS, SG
from servicegraph.graph.validate import SGS, load_shapes, validate

B = "https://servicegraph.example/"
S1, S2 = URIRef(B + "service/甲"), URIRef(B + "service/乙")
P1, P2 = URIRef(f"{S1}/level/township"), URIRef(f"{S2}/level/county")
C1, C2 = URIRef(f"{S1}/citation/1"), URIRef(f"{S2}/citation/1")

SAMPLE = """
@prefix sg: <https://servicegraph.example/ontology#> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@base <https://servicegraph.example/> .

<revision/abc> a dcat:Dataset ; dct:title "某县目录"@zh ;
    sg:sha256 "3f0a6a4c1d1b0e5f9a8c7b6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f" .
<place> a dct:Location .
<agency/乡镇人民政府> a cv:PublicOrganisation ; skos:prefLabel "乡镇人民政府"@zh ;
    dct:title "乡镇人民政府"@zh ; dct:identifier "乡镇人民政府" ; dct:spatial <place> .
sg:township a skos:Concept ; skos:prefLabel "乡镇(街道)"@zh .
sg:county a skos:Concept ; skos:prefLabel "县"@zh .
sg:implementer a skos:Concept ; skos:prefLabel "实施"@zh .
sg:preliminaryReview a skos:Concept ; skos:prefLabel "初审"@zh .
sg:article a skos:Concept ; skos:prefLabel "条"@zh .
<concept/fill-type/依申请服务类> a skos:Concept ; skos:prefLabel "依申请服务类"@zh .
<channel/at-once> a cv:Channel ; dct:identifier "at-once" .
<legal/某条例> a eli:LegalResource ; dct:title "某条例"@zh .
<legal/某条例/art_9> a eli:LegalResource , eli:LegalResourceSubdivision ;
    eli:is_part_of <legal/某条例> ; eli:number "9" ; eli:type_subdivision sg:article ;
    rdfs:label "《某条例》第九条"@zh .
<revision/abc/lines/10-20> a sg:SourceRow ; sg:firstLine 10 ; sg:lastLine 20 .
<revision/abc/lines/21-30> a sg:SourceRow ; sg:firstLine 21 ; sg:lastLine 30 .

<service/甲> a cpsv:PublicService ; dct:identifier "1" ; sg:number 1 ; sg:numberInferred false ;
    dct:title "甲"@zh ; dct:description "办理甲"@zh ; cv:hasCompetentAuthority <agency/乡镇人民政府> ;
    cv:hasChannel <channel/at-once> ; cv:hasParticipation <service/甲/level/township> ;
    cpsv:follows <service/甲/citation/1> ; cv:hasLegalResource <legal/某条例/art_9> ;
    sg:fillType <service/甲/fill-type/1> ;
    dct:isPartOf <revision/abc> ; prov:wasDerivedFrom <revision/abc/lines/10-20> .
<service/甲/fill-type/1> a sg:FillTypeEntry ; sg:fillCategory <concept/fill-type/依申请服务类> .
<service/甲/level/township> a cv:Participation ; dct:identifier "1/township" ;
    dct:description "乡镇(街道)：√"@zh ; cv:hasParticipant <agency/乡镇人民政府> ;
    cv:role sg:implementer ; sg:level sg:township ; sg:checked true ; sg:line 18 .
<service/甲/citation/1> a cpsv:Rule , sg:Citation ; dct:identifier "1.1" ;
    dct:title "《某条例》第九条"@zh ; dct:description "……"@zh ; cpsv:implements <legal/某条例/art_9> ;
    sg:titleAsWritten "某条例"@zh ; sg:provisionText "第九条"@zh ; sg:line 15 .

<service/乙> a cpsv:PublicService ; dct:identifier "2" ; sg:number 2 ; sg:numberInferred false ;
    dct:title "乙"@zh ; dct:description "办理乙"@zh ; cv:hasCompetentAuthority <agency/乡镇人民政府> ;
    cv:hasParticipation <service/乙/level/county> ; cpsv:follows <service/乙/citation/1> ;
    dct:isPartOf <revision/abc> ; prov:wasDerivedFrom <revision/abc/lines/21-30> .
<service/乙/level/county> a cv:Participation ; dct:identifier "2/county" ;
    dct:description "县：√(初审)(同第1项)"@zh ; cv:hasParticipant <agency/乡镇人民政府> ;
    cv:role sg:preliminaryReview ; sg:level sg:county ; sg:checked true ; sg:line 28 ;
    sg:sameAsItemNumber 1 ; sg:sameAsService <service/甲> .
<service/乙/citation/1> a cpsv:Rule , sg:Citation ; dct:identifier "2.1" ;
    dct:title "《某条例》全文"@zh ; dct:description "《某条例》全文"@zh ; cpsv:implements <legal/某条例> ;
    sg:titleAsWritten "某条例"@zh ; sg:provisionText "全文"@zh ; sg:line 25 .
"""

Outcome = tuple[str, str, int | None, int | None, str | None]
"""(severity, shape or property shape name, item, line, value as printed)."""


def _sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


def _outcomes(graph: Graph) -> set[Outcome]:
    return {(r.severity, r.shape.fragment, r.item, r.line, r.value_text) for r in validate(graph).results}


def test_the_sample_conforms_with_no_result():
    assert validate(_sample()).results == ()


def _set(graph: Graph, node: URIRef, predicate: URIRef, *values) -> None:
    graph.remove((node, predicate, None))
    for value in values:
        graph.add((node, predicate, value))


# Each case: what to break, and every result it must give (nothing else).
CASES: dict[str, tuple[Callable[[Graph], None], set[Outcome]]] = {
    "number missing": (
        lambda g: _set(g, S2, SG.number),
        # no number: the "item before" check cannot run, the item is unknown to the report
        {("Violation", "ServiceNumber", None, 21, None)},
    ),
    "number duplicated": (
        lambda g: _set(g, S2, SG.number, Literal(1)),
        {
            ("Violation", "DuplicateNumberShape", 1, 10, "item 1, line 21"),  # where the other one is
            ("Violation", "DuplicateNumberShape", 1, 21, "item 1, line 10"),
        },
    ),
    "number not an integer": (
        lambda g: _set(g, S2, SG.number, Literal("2")),
        {("Violation", "ServiceNumber", None, 21, "2")},
    ),
    "numbering skips an item": (
        lambda g: _set(g, S2, SG.number, Literal(3)),
        {("Warning", "NumberGapShape", 3, 21, "2")},  # the value: the number missing
    ),
    "number inferred": (
        lambda g: _set(g, S2, SG.numberInferred, Literal(True)),
        {("Info", "ServiceNumberInferred", 2, 21, "true")},
    ),
    "name missing": (
        lambda g: _set(g, S2, DCTERMS.title),
        {("Violation", "ServiceName", 2, 21, None)},
    ),
    "name is a plain string": (
        lambda g: _set(g, S2, DCTERMS.title, Literal("乙")),
        {("Violation", "ServiceName", 2, 21, "乙")},
    ),
    "agency missing": (
        lambda g: _set(g, S2, CV.hasCompetentAuthority),
        {("Violation", "ServiceAgency", 2, 21, None)},
    ),
    "no level": (
        lambda g: (_set(g, S2, CV.hasParticipation), g.remove((P2, None, None))),
        {("Violation", "ServiceLevel", 2, 21, None)},
    ),
    "content duplicates another item's": (
        lambda g: _set(g, S2, DCTERMS.description, Literal("办理甲", lang="zh")),
        {
            ("Warning", "DuplicateContentShape", 1, 10, "item 2, line 21"),
            ("Warning", "DuplicateContentShape", 2, 21, "item 1, line 10"),
        },
    ),
    "no citation": (
        lambda g: (_set(g, S2, CPSV.follows), g.remove((C2, None, None))),
        {("Warning", "ServiceCitation", 2, 21, None)},
    ),
    "cross-reference to a missing item": (
        lambda g: (_set(g, P2, SG.sameAsItemNumber, Literal(999)), _set(g, P2, SG.sameAsService)),
        {("Violation", "CrossReferenceShape", 2, 28, "999")},
    ),
    "role on an unmarked level": (
        lambda g: _set(g, P2, SG.checked, Literal(False)),
        {("Violation", "UnmarkedRole", 2, 28, "sg:preliminaryReview")},
    ),
    "unmarked level without a role": (
        lambda g: _set(g, P1, SG.checked, Literal(False)),
        {("Warning", "UnmarkedLevel", 1, 18, None)},
    ),
    "level outside the four": (
        lambda g: _set(g, P1, SG.level, SG.implementer),
        {("Violation", "ParticipationLevel", 1, 18, "sg:implementer")},
    ),
    "participation with no role": (
        lambda g: _set(g, P1, CV.role),
        {("Violation", "ParticipationRole", 1, 18, None)},
    ),
    "citation without a provision": (
        lambda g: _set(g, C2, SG.provisionText),
        {("Warning", "CitationProvision", 2, 25, None)},
    ),
    "citation whose title looks like a form": (
        lambda g: _set(g, C1, SG.titleAsWritten, Literal("死亡证", lang="zh")),
        {("Warning", "CitationFormTitle", 1, 15, "死亡证")},
    ),
    "citation title with an unclosed bracket": (
        lambda g: _set(g, C1, SG.titleAsWritten, Literal("某条例(修订", lang="zh")),
        {("Warning", "CitationTitleBrackets", 1, 15, "某条例(修订")},
    ),
    "citation title with an unopened inner title": (
        lambda g: _set(g, C1, SG.titleAsWritten, Literal("关于印发某办法>的通知", lang="zh")),
        {("Warning", "CitationTitleBrackets", 1, 15, "关于印发某办法>的通知")},
    ),
    "citation without a title": (
        lambda g: _set(g, C1, SG.titleAsWritten),
        {("Violation", "CitationTitleAsWritten", 1, 15, None)},
    ),
    "citation pointing nowhere": (
        lambda g: _set(g, C1, CPSV.implements),
        {("Violation", "CitationDocument", 1, 15, None)},
    ),
    "citation without a line": (
        lambda g: _set(g, C1, SG.line),
        # the line falls back to the item's row
        {("Violation", "CitationLine", 1, 10, None)},
    ),
    "row lines reversed": (
        lambda g: _set(g, URIRef(B + "revision/abc/lines/10-20"), SG.lastLine, Literal(5)),
        {("Violation", "SourceRowFirst", 1, 10, "10")},
    ),
    "provision of no document": (
        lambda g: _set(g, URIRef(B + "legal/某条例/art_9"), URIRef(str(ELI) + "is_part_of")),
        {("Violation", "ProvisionParent", None, None, None)},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_defect_gives_exactly_its_results(case):
    graph = _sample()
    breaks, expected = CASES[case]
    breaks(graph)
    assert _outcomes(graph) == expected


ELI = "http://data.europa.eu/eli/ontology#"


def _shape_nodes(shapes: Graph) -> set:
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    return nodes | set(shapes.subjects(RDF.type, SH.SPARQLConstraint))


def test_every_shape_is_named_and_has_one_message_in_zh_and_en():
    shapes = load_shapes()
    nodes = _shape_nodes(shapes)
    assert len(nodes) > 40
    for node in nodes:
        assert isinstance(node, URIRef) and node.startswith(str(SGS)), node
        languages = sorted(m.language for m in shapes.objects(node, SH.message))
        assert languages == ["en", "zh"], node


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def test_every_shape_has_a_target_and_every_sparql_constraint_a_shape():
    """Property shapes carry their own targets (none hangs off a node shape)."""
    shapes = load_shapes()
    for node in _shape_nodes(shapes) - set(shapes.subjects(RDF.type, SH.SPARQLConstraint)):
        assert any((node, t, None) in shapes for t in _TARGETS), node
    assert set(shapes.objects(None, SH.property)) == set()
    assert set(shapes.objects(None, SH.sparql)) == set(shapes.subjects(RDF.type, SH.SPARQLConstraint))


def test_severities_follow_the_issue():
    """Broken structure is a Violation, doubtful content a Warning, the rest Info."""
    shapes = load_shapes()

    def severity(name: str) -> str:
        assert (SGS[name], RDF.type, None) in shapes, name
        return str(shapes.value(SGS[name], SH.severity) or SH.Violation).removeprefix(str(SH))

    violations = ["ServiceNumber", "ServiceName", "ServiceAgency", "ServiceLevel", "CrossReferenceShape",
                  "UnmarkedRole", "DuplicateNumberShape"]  # fmt: skip
    warnings = ["ServiceCitation", "CitationProvision", "CitationFormTitle", "DuplicateContentShape",
                "NumberGapShape", "UnmarkedLevel", "CitationTitleBrackets"]  # fmt: skip
    assert [severity(n) for n in violations] == ["Violation"] * len(violations)
    assert [severity(n) for n in warnings] == ["Warning"] * len(warnings)
    assert severity("ServiceNumberInferred") == "Info"


def test_results_name_the_source_line_datatype():
    graph = _sample()
    _set(graph, P1, SG.line, Literal("18"))
    outcomes = _outcomes(graph)
    # a line that is not an integer is reported, and the row's first line stands in
    assert outcomes == {("Violation", "ParticipationLine", 1, 10, "18")}
