"""Records → RDF: the graph model of docs/model.md, on hand-built records and on the seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from servicegraph.cli import main
from servicegraph.graph.build import agency_level, build_graph
from servicegraph.graph.namespaces import (
    CPSV,
    CV,
    DCAT,
    ELI,
    ORG,
    RDF,
    SG,
    SKOS,
    VOID,
    XSD,
)
from servicegraph.graph.namespaces import DCTERMS as DCT
from servicegraph.loaders.records import Catalogue, Citation, FillType, Item, LevelMark

QUERIES = Path(__file__).parent / "queries"
SHAPES = Path(__file__).resolve().parent.parent / "shapes" / "official" / "cpsv-ap-3.2.0-SHACL.ttl"
BASE = "https://data.example/dj/"
AGENCIES = ("国网重庆市电力公司", "乡镇人民政府(街道办事处)片区供电所")


def query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def cite(
    title: str, path: tuple = (("条", 26),), text: str = "第二十六条", number: str | None = None, line: int = 1
) -> Citation:
    return Citation(title, number, path, text, "供电营业区内的供电营业机构……", line)


def item(
    number: int,
    name: str,
    citations: tuple[Citation, ...] = (),
    inferred: bool = False,
    agencies: tuple[str, ...] = AGENCIES,
    **levels: LevelMark,
) -> Item:
    marks = {level: levels.get(level) for level in ("city", "county", "township", "village")}
    return Item(
        number,
        inferred,
        name,
        "基本社会服务",
        f"{name}全过程服务",
        agencies,
        ("个人", "法人"),
        ("公用事业",),
        "\n".join(c.title for c in citations),
        citations,
        ("网上办", "一次办"),
        marks,
        (FillType(None, "依申请服务类", ("办理类", "查询类")),),
        (number * 10, number * 10 + 5),
    )


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(
        "垫江县乡镇通用公共服务事项目录清单",
        "dir/dj.txt",
        "f" * 64,
        "utf-8",
        (
            item(
                44,
                "新装用电",
                (
                    cite("中华人民共和国电力法", line=440),
                    cite("电力供应与使用条例", text="第二十三条", path=(("条", 23),), number="国务院令第196号"),
                ),
                city=LevelMark(line=441),
                township=LevelMark(note="十千伏以下的事项由片区供电所提供", line=442),
            ),
            item(
                45,
                "临时用电",
                (cite("中华人民共和国电力法", (("条", 26), ("款", 2)), "第二十六条第二款"),),
                township=LevelMark(same_as_item=44, line=451),
            ),
            item(46, "增容用电", (cite("电力法"),), inferred=True, township=LevelMark(same_as_item=99, line=461)),
            item(47, "电力法第二十七条事项", (cite("中华人民共和国电力法", (("条", 27),), "第二十七条"),)),
            item(
                7,
                "出具婚育情况证明",
                (cite("重庆市人口与计划生育条例", (("条", 23), ("款", 1)), "第二十三条第一款"),),
                agencies=("乡镇人民政府(街道办事处)",),
                township=LevelMark(role="审定", line=71),
                village=LevelMark(role="初审", line=72),
            ),
            item(
                8,
                "计生特殊家庭保险",
                (cite(" 重庆市人口和计划生育条例".strip(), (("条", 28),), "第二十八条"),),
                agencies=("县卫生计生委", "乡镇(街道)卫生院"),
                village=LevelMark(checked=False, role="代办", line=81),
            ),
            item(8, "计生特殊家庭保险", agencies=("市农委",)),
            item(
                16,
                "社会保障卡",
                (cite("关于印发社保卡方案的通知", (("节", 3), ("目", 1), ("点", 2)), "三、(一)2."),),
                agencies=("县人力社保局",),
            ),
        ),
    )


@pytest.fixture(scope="module")
def graph(catalogue: Catalogue) -> Graph:
    return build_graph(catalogue, BASE)


def service(number: int, name: str) -> URIRef:
    return URIRef(f"{BASE}service/{name}")


def numbers(g: Graph, title: str, article: str) -> list[int]:
    rows = g.query(
        query("services-resting-on-article"),
        initBindings={"title": Literal(title, lang="zh"), "article": Literal(article)},
    )
    return [int(r.number) for r in rows]


def test_services_resting_on_an_article_include_those_citing_its_paragraphs(graph: Graph) -> None:
    assert numbers(graph, "中华人民共和国电力法", "26") == [44, 45, 46]
    assert numbers(graph, "电力法", "26") == [44, 45, 46]  # found by a variant title too
    assert numbers(graph, "重庆市人口与计划生育条例", "28") == [8]


def test_provisions_form_a_tree_under_their_document(graph: Graph) -> None:
    doc = URIRef(f"{BASE}legal/中华人民共和国电力法")
    art, par = URIRef(f"{doc}/art_26"), URIRef(f"{doc}/art_26/par_2")
    assert set(graph.objects(par, ELI.is_part_of)) == {art, doc}
    assert set(graph.objects(art, ELI.is_part_of)) == {doc}
    assert {(p, o) for p, o in graph.predicate_objects(art)} >= {
        (RDF.type, ELI.LegalResourceSubdivision),
        (RDF.type, ELI.LegalResource),
        (ELI.number, Literal("26")),
        (ELI.type_subdivision, SG.article),
        (
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("《中华人民共和国电力法》第二十六条", lang="zh"),
        ),
    }
    assert graph.value(par, ELI.type_subdivision) == SG.paragraph


def test_policy_headings_form_a_tree_too(graph: Graph) -> None:
    doc = URIRef(f"{BASE}legal/关于印发社保卡方案的通知")
    section, sub, point = (URIRef(f"{doc}/{p}") for p in ("sec_3", "sec_3/sub_1", "sec_3/sub_1/pt_2"))
    assert set(graph.objects(point, ELI.is_part_of)) == {sub, doc}
    assert set(graph.objects(sub, ELI.is_part_of)) == {section, doc}
    assert graph.value(point, ELI.type_subdivision) == SG.point
    assert graph.value(point, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == Literal(
        "《关于印发社保卡方案的通知》三、(一)2.", lang="zh"
    )


def test_a_service_links_straight_to_documents_and_most_specific_provisions(graph: Graph) -> None:
    doc = URIRef(f"{BASE}legal/中华人民共和国电力法")
    assert set(graph.objects(service(45, "临时用电"), CV.hasLegalResource)) == {doc, URIRef(f"{doc}/art_26/par_2")}


def test_documents_merge_variants_and_parse_issuing_numbers(graph: Graph) -> None:
    law = URIRef(f"{BASE}legal/中华人民共和国电力法")
    assert graph.value(law, DCT.title) == Literal("中华人民共和国电力法", lang="zh")
    assert set(graph.objects(law, SKOS.altLabel)) == {Literal("电力法", lang="zh")}
    assert graph.value(law, ELI.type_document) == SG.law
    reg = URIRef(f"{BASE}legal/电力供应和使用条例")  # keyed by title_key: 与 reads 和
    assert (graph.value(reg, ELI.id_local), graph.value(reg, SG.issuer), graph.value(reg, SG.serial)) == (
        Literal("国务院令第196号"),
        Literal("国务院令"),
        Literal(196),
    )
    assert graph.value(reg, ELI.type_document) == SG.regulation
    population = list(graph.subjects(DCT.title, Literal("重庆市人口与计划生育条例", lang="zh")))
    assert len(population) == 1
    assert set(graph.objects(population[0], SKOS.altLabel)) == {Literal("重庆市人口和计划生育条例", lang="zh")}


def test_citation_node_keeps_what_was_written(graph: Graph) -> None:
    c = URIRef(f"{service(45, '临时用电')}/citation/1")
    assert graph.value(service(45, "临时用电"), CPSV.follows) == c
    assert set(graph.objects(c, RDF.type)) == {CPSV.Rule, SG.Citation}
    assert graph.value(c, DCT.identifier) == Literal("45.1")
    assert graph.value(c, DCT.title) == Literal("《中华人民共和国电力法》第二十六条第二款", lang="zh")
    assert graph.value(c, CPSV.implements) == URIRef(f"{BASE}legal/中华人民共和国电力法/art_26/par_2")
    assert graph.value(c, SG.provisionText) == Literal("第二十六条第二款", lang="zh")
    reg_citation = URIRef(f"{service(44, '新装用电')}/citation/2")
    assert graph.value(reg_citation, SG.docNumberAsWritten) == Literal("国务院令第196号")
    assert graph.value(URIRef(f"{service(44, '新装用电')}/citation/1"), SG.line) == Literal(440)


def test_participations_keep_level_role_remark_and_cross_references(graph: Graph) -> None:
    def part(number: int, name: str, level: str) -> URIRef:
        return URIRef(f"{service(number, name)}/level/{level}")

    p44 = part(44, "新装用电", "township")
    assert graph.value(p44, SG.remark) == Literal("十千伏以下的事项由片区供电所提供", lang="zh")
    assert graph.value(p44, CV.role) == SG.implementer
    assert graph.value(p44, CV.hasParticipant) == URIRef(f"{BASE}agency/国网重庆市电力公司")
    p45 = part(45, "临时用电", "township")
    assert graph.value(p45, SG.sameAsService) == service(44, "新装用电")
    assert graph.value(p45, SG.sameAsItemNumber) == Literal(44)
    p46 = part(46, "增容用电", "township")
    assert graph.value(p46, SG.sameAsItemNumber) == Literal(99)
    assert graph.value(p46, SG.sameAsService) is None  # item 99 does not exist
    assert graph.value(part(7, "出具婚育情况证明", "township"), CV.role) == SG.finalApproval
    village7 = part(7, "出具婚育情况证明", "village")
    assert (graph.value(village7, CV.role), graph.value(village7, SG.level)) == (SG.preliminaryReview, SG.village)
    assert graph.value(village7, DCT.description) == Literal("村(社区)：初审", lang="zh")
    unchecked = part(8, "计生特殊家庭保险", "village")
    assert graph.value(unchecked, SG.checked) == Literal(False)
    assert graph.value(unchecked, SG.line) == Literal(81)
    assert (part(44, "新装用电", "county"), None, None) not in graph  # an empty cell has none


def test_agencies_are_shared_nodes_with_their_level(graph: Graph) -> None:
    power = URIRef(f"{BASE}agency/国网重庆市电力公司")
    assert len(set(graph.subjects(CV.hasCompetentAuthority, power))) == 4
    assert set(graph.objects(power, RDF.type)) == {CV.PublicOrganisation, URIRef("http://xmlns.com/foaf/0.1/Agent")}
    assert graph.value(power, ORG.classification) is None
    assert graph.value(URIRef(f"{BASE}agency/县卫生计生委"), ORG.classification) == SG.county
    assert graph.value(URIRef(f"{BASE}agency/市农委"), ORG.classification) == SG.city


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("县人民医院", "county"),
        ("垫江县中医院", "county"),
        ("市人力社保局", "city"),
        ("乡镇人民政府(街道办事处)", "township"),
        ("乡镇(街道)卫生院", "township"),
        ("村(社区)", "village"),
        ("县城市管理局", "county"),
        ("国网重庆市电力公司", None),
        ("社区卫生服务中心", None),
        ("片区卫生计生监督所", None),
    ],
)
def test_agency_level_from_name(name: str, level: str | None) -> None:
    assert agency_level(name) == level


def test_duplicated_numbers_keep_both_services_and_their_numbers(graph: Graph) -> None:
    eights = set(graph.subjects(SG.number, Literal(8)))
    assert eights == {service(8, "计生特殊家庭保险"), URIRef(f"{BASE}service/计生特殊家庭保险-8")}
    assert graph.value(service(46, "增容用电"), SG.numberInferred) == Literal(True)


def test_service_node(graph: Graph) -> None:
    s = service(44, "新装用电")
    assert graph.value(s, DCT.identifier) == Literal("44")
    assert graph.value(s, DCT.title) == Literal("新装用电", lang="zh")
    assert graph.value(s, DCT.isPartOf) == graph.identifier
    assert graph.value(s, CV.isClassifiedBy) == URIRef(f"{BASE}concept/item-type/基本社会服务")
    assert set(graph.objects(s, CV.hasChannel)) == {URIRef(f"{BASE}channel/online"), URIRef(f"{BASE}channel/one-visit")}
    row = graph.value(s, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert row == URIRef(f"{BASE}revision/ffffffffffff/lines/440-445")
    [fill] = graph.objects(s, SG.fillType)
    assert set(graph.objects(fill, SG.fillSubtype)) == {
        URIRef(f"{BASE}concept/fill-type/办理类"),
        URIRef(f"{BASE}concept/fill-type/查询类"),
    }


def test_revision_is_the_graph_name_and_a_dataset(graph: Graph, catalogue: Catalogue) -> None:
    assert graph.identifier == URIRef(f"{BASE}revision/ffffffffffff")
    assert {DCAT.Dataset, VOID.Dataset} <= set(graph.objects(graph.identifier, RDF.type))
    assert graph.value(graph.identifier, SG.sha256) == Literal(catalogue.sha256)
    assert graph.value(graph.identifier, DCT.source) == Literal("dj.txt")


def test_every_text_is_tagged_zh(graph: Graph) -> None:
    text_properties = {
        DCT.title,
        DCT.description,
        SKOS.prefLabel,
        SKOS.altLabel,
        SG.quote,
        SG.remark,
        SG.titleAsWritten,
        SG.provisionText,
        SG.legalBasisText,
    }
    untagged = [
        (s, p, o)
        for s, p, o in graph
        if p in text_properties and not (isinstance(o, Literal) and o.language in ("zh", "en"))
    ]
    assert untagged == []
    assert all(o.datatype == XSD.integer for o in graph.objects(None, SG.number))


def test_building_twice_gives_the_same_graph(catalogue: Catalogue, graph: Graph) -> None:
    assert set(build_graph(catalogue, BASE)) == set(graph)


def test_every_triple_is_in_the_revision_graph_and_nowhere_else(graph: Graph) -> None:
    [context] = graph.store.contexts()
    assert context.identifier == graph.identifier
    assert len(graph) == len(graph.store) == sum(1 for _ in graph.store.triples((None, None, None), context=None))
    # the fill skips Graph.addN's term checks: every node must still be an RDF term
    assert Graph().parse(data=graph.serialize(format="nt"), format="nt").isomorphic(graph)


def test_conforms_to_the_official_cpsv_ap_shapes(graph: Graph) -> None:
    conforms, _, text = validate(graph, shacl_graph=Graph().parse(SHAPES))
    assert conforms, text


# ---- the seed, answers established by hand with grep ----


def test_seed_services_resting_on_electricity_law_article_26(seed_graph: Graph) -> None:
    # lines 910, 937, 962, 989, 1018: items 44, 45, 46 (number cell lost), 47, 48
    assert numbers(seed_graph, "中华人民共和国电力法", "26") == [44, 45, 46, 47, 48]


def test_seed_services_resting_on_population_regulation_article_28(seed_graph: Graph) -> None:
    # lines 138 and 1092: items 6 and 52; the 人口和… spelling never cites 第二十八条
    assert numbers(seed_graph, "重庆市人口与计划生育条例", "28") == [6, 52]
    assert numbers(seed_graph, "重庆市人口和计划生育条例", "28") == [6, 52]


def test_seed_documents_cited_under_more_than_one_title(seed_graph: Graph) -> None:
    rows = seed_graph.query(query("documents-cited-under-several-titles"))
    assert {str(r.title) for r in rows} == {
        "重庆市人口与计划生育条例",
        "中华人民共和国农业技术推广法",
        "重庆市实施〈中华人民共和国农业技术推广法〉办法",
        "国家基本公共卫生服务规范(第三版)",
        "重庆市人民政府办公厅关于进一步完善城乡居民合作医疗保险制度的指导意见",
        "重庆市人民政府关于做好当前和今后一段时期就业创业工作的实施意见",
        "重庆市人民政府办公厅关于印发重庆市城镇职工医疗保险市级统筹办法和重庆市城乡居民合作医疗保险市级统筹办法的通知",
    }


@pytest.mark.parametrize(("target", "referring"), [(44, {45, 46, 47, 48}), (49, {50, 51})])
def test_seed_cross_references_become_links(seed_graph: Graph, target: int, referring: set[int]) -> None:
    # "(同第44项)" on lines 951, 976, 1003, 1032; "√(同第49项)" on lines 1066, 1081
    [service] = seed_graph.subjects(SG.number, Literal(target))
    found = {
        int(seed_graph.value(seed_graph.value(predicate=CV.hasParticipation, object=p), SG.number))
        for p in seed_graph.subjects(SG.sameAsService, service)
    }
    assert found == referring


def test_seed_one_agency_node_per_distinct_name(seed_graph: Graph, seed_catalogue: Catalogue) -> None:
    names = {a for i in seed_catalogue.items for a in i.agencies}
    assert len(set(seed_graph.subjects(RDF.type, CV.PublicOrganisation))) == len(names)


# ---- the command ----


def test_build_command_writes_every_format(
    tmp_path: Path, seed_path: Path, seed_graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(seed_path), "-o", str(tmp_path), "--base", BASE]) == 0
    ttl = Graph().parse(tmp_path / "servicegraph.ttl")
    nt = Graph().parse(tmp_path / "servicegraph.nt")
    ld = Graph().parse(tmp_path / "servicegraph.jsonld", format="json-ld")
    assert isomorphic(ttl, nt) and isomorphic(ttl, ld)
    assert len(ttl) == len(seed_graph) + 1  # + prov:generatedAtTime
    assert json.loads((tmp_path / "servicegraph.jsonld").read_text())["@context"] == "context.jsonld"
    assert json.loads((tmp_path / "context.jsonld").read_text())["@context"]["cv"] == str(CV)
    void = Graph().parse(tmp_path / "void.ttl")
    rev = ttl.value(predicate=RDF.type, object=VOID.Dataset)
    assert void.value(rev, VOID.triples) == Literal(len(ttl))
    assert void.value(rev, VOID.classes) == Literal(len(set(ttl.objects(None, RDF.type))))
    assert void.value(rev, SG.sha256) == ttl.value(rev, SG.sha256)
    assert void.value(rev, DCT.license) is not None
    assert "triples" in capsys.readouterr().out


def test_build_command_rejects_a_bad_base(tmp_path: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(seed_path), "-o", str(tmp_path), "--base", "https://no-slash.example"]) == 2
    assert "base IRI must end with" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_build_command_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "none.txt"), "-o", str(tmp_path / "out")]) == 2
    assert "none.txt" in capsys.readouterr().err


def test_statutes_command_json(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statutes", str(seed_path), "--format", "json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    law = next(d for d in docs if d["title"] == "中华人民共和国农业技术推广法")
    assert {v["title"] for v in law["variants"]} == {"中华人民共和国农业技术推广法", "农业技术推广法"}
    assert law["merges"][0]["reason"] == "same title up to: with or without the 中华人民共和国 prefix"
    assert law["iri"].endswith("/legal/中华人民共和国农业技术推广法")


def test_statutes_command_text_shows_merges(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statutes", str(seed_path)]) == 0
    out = capsys.readouterr().out
    assert "merged 《进一步完善城乡居民合作医疗保险制度的指导意见》" in out
    assert "one-character typo" in out


def test_the_streamed_exports_hold_the_graph_the_old_serialisers_wrote(tmp_path: Path, seed_catalogue) -> None:
    """The expected graph is `build_graph`'s (what rdflib serialised before the exports streamed);
    the expected VoID figures are counted on it with rdflib, as the old description did."""
    from datetime import UTC, datetime

    from servicegraph.graph.build import CatalogueTriples
    from servicegraph.graph.export import write_all

    generated = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    old = build_graph(seed_catalogue, BASE, generated)
    _, counts = write_all(CatalogueTriples(seed_catalogue, BASE, generated), tmp_path)
    assert counts.triples == len(old)
    context = json.loads((tmp_path / "context.jsonld").read_text(encoding="utf-8"))
    ld = json.loads((tmp_path / "servicegraph.jsonld").read_text(encoding="utf-8"))
    ld["@context"] = context["@context"]
    files = {
        "servicegraph.nt": Graph().parse(tmp_path / "servicegraph.nt", format="nt"),
        "servicegraph.ttl": Graph().parse(tmp_path / "servicegraph.ttl", format="turtle"),
        "servicegraph.jsonld": Graph().parse(data=json.dumps(ld), format="json-ld"),
    }
    for name, graph in files.items():
        assert isomorphic(graph, old), name
    void = Graph().parse(tmp_path / "void.ttl")
    rev = old.identifier
    classes = {o for o in old.objects(None, RDF.type) if isinstance(o, URIRef)}
    assert void.value(rev, VOID.triples) == Literal(len(old))
    assert void.value(rev, VOID.properties) == Literal(len(set(old.predicates())))
    assert void.value(rev, VOID.distinctSubjects) == Literal(len(set(old.subjects())))
    assert void.value(rev, VOID.classes) == Literal(len(classes))
    for part in void.objects(rev, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        assert void.value(part, VOID.entities) == Literal(len(set(old.subjects(RDF.type, cls))))
    assert len(set(void.objects(rev, VOID.classPartition))) == len(classes)
