"""IRI minting: readable keys, stable across runs, row moves, renumbering and re-spelled citations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from servicegraph.api.settings import Settings
from servicegraph.graph.build import build_graph, document_iris
from servicegraph.graph.iris import Minter, key, provision, service_keys
from servicegraph.graph.namespaces import (
    CPSV,
    CV,
    DCTERMS,
    DEFAULT_BASE,
    ELI,
    RDF,
    SG,
    SKOS,
    base_iri,
)
from servicegraph.graph.statutes import identify
from servicegraph.loaders.catalogue import parse_catalogue, read_catalogue
from servicegraph.loaders.codes import HandlingMode
from servicegraph.loaders.records import Catalogue, Citation, Item


def item(number: int, name: str, lines: tuple[int, int] = (1, 2)) -> Item:
    return Item(number, False, name, "服务", "", ("乡镇人民政府",), (), (), "", (), (), {}, (), lines)


def catalogue(*items: Item, sha: str = "ab" * 32) -> Catalogue:
    return Catalogue("垫江县测试目录", "t.txt", sha, "utf-8", items)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("乡镇人民政府(街道办事处)", "乡镇人民政府-街道办事处"),
        (" 重庆市 人口\u3000和计划生育条例 ", "重庆市人口和计划生育条例"),
        ("调解劳动争议 ", "调解劳动争议"),
        ("《关于印发<X>的通知》", "关于印发-X-的通知"),
        ("ＡＢＣ１２", "ABC12"),  # NFKC
        ("a_b__c", "a-b-c"),
        ("城乡居民医疗保险参保、信息变更", "城乡居民医疗保险参保-信息变更"),
    ],
)
def test_key(label: str, expected: str) -> None:
    assert key(label) == expected


def test_repeated_names_get_the_item_number() -> None:
    items = [item(1, "出具证明"), item(2, "出具 证明"), item(3, "其他")]
    assert service_keys(items) == ["出具证明", "出具证明-2", "其他"]


def test_minted_iris_follow_the_model() -> None:
    m = Minter("https://data.example/dj/", "0123456789abcdef" * 4)
    assert m.revision == URIRef("https://data.example/dj/revision/0123456789ab")
    assert m.lines(46, 59) == URIRef("https://data.example/dj/revision/0123456789ab/lines/46-59")
    assert m.agency("县人民医院") == URIRef("https://data.example/dj/agency/县人民医院")
    assert m.channel(HandlingMode.one_visit) == URIRef("https://data.example/dj/channel/one-visit")
    assert m.concept("theme", "社会保障(社会保险)") == URIRef("https://data.example/dj/concept/theme/社会保障-社会保险")
    doc = m.document("中华人民共和国电力法")
    assert provision(doc, (("条", 30), ("款", 2), ("项", 2))) == URIRef(
        "https://data.example/dj/legal/中华人民共和国电力法/art_30/par_2/pnt_2"
    )
    assert m.document("渝办发-2011-293") == URIRef("https://data.example/dj/legal/渝办发-2011-293")
    assert m.document("（）") == URIRef("https://data.example/dj/legal/untitled")  # no letter or digit to key


def services(g) -> dict[str, URIRef]:
    return {str(g.value(s, DCTERMS.identifier)): s for s in g.subjects(RDF.type, CPSV.PublicService)}


def test_an_item_keeps_its_iri_when_its_row_moves_or_is_renumbered_in_the_next_revision() -> None:
    first = build_graph(catalogue(item(1, "甲事项", (10, 12)), item(2, "乙事项", (13, 15))))
    moved = build_graph(
        catalogue(item(1, "新事项", (10, 11)), item(2, "乙事项", (12, 14)), item(3, "甲事项", (15, 17)), sha="cd" * 32)
    )
    assert services(first)["1"] == services(moved)["3"]
    assert services(first)["2"] == services(moved)["2"]
    assert first.identifier != moved.identifier  # each revision its own named graph


def test_same_catalogue_same_graph_on_every_run() -> None:
    c = catalogue(item(1, "甲事项"), item(2, "甲事项"))
    a, b = build_graph(c), build_graph(c)
    assert set(a) == set(b)
    assert sorted(services(a).values()) == [
        URIRef(DEFAULT_BASE + "service/甲事项"),
        URIRef(DEFAULT_BASE + "service/甲事项-2"),
    ]


def test_base_is_configurable() -> None:
    g = build_graph(catalogue(item(1, "甲事项")), base="https://data.example/dj/")
    assert services(g)["1"] == URIRef("https://data.example/dj/service/甲事项")
    minted = {s for s in g.subjects() if not str(s).startswith(str(SG))}
    assert minted and all(str(s).startswith("https://data.example/dj/") for s in minted)
    env = Settings.from_env({"SERVICEGRAPH_BASE": "https://env.example/"})
    assert env.served_base == "https://env.example/"
    assert Settings.from_env({}).served_base == DEFAULT_BASE
    assert base_iri("https://flag.example/") == "https://flag.example/"
    with pytest.raises(ValueError, match="must end with"):
        base_iri("https://no-slash.example")


def test_an_item_with_an_unusable_name_still_gets_an_iri() -> None:
    assert service_keys([item(7, "（）")]) == ["item-7"]


# ---- document IRIs: the same on every run and in the next revision ----

PRINT_SEED_NT = (
    "import sys; from graph.build import build_graph; from loaders.catalogue import read_catalogue; "
    "g = build_graph(read_catalogue(sys.argv[1])); "
    "print(''.join(sorted(g.serialize(format='nt').splitlines(keepends=True))), end='')"
)


def seed_nt_in_a_fresh_process(seed_path: Path, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SEED_NT, str(seed_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    ).stdout


def test_the_seed_gives_the_same_graph_on_every_run(seed_path: Path, seed_graph) -> None:
    assert set(build_graph(read_catalogue(seed_path))) == set(seed_graph)
    # set and dict orders differ between processes with another hash seed: IRIs must not
    first, second = (seed_nt_in_a_fresh_process(seed_path, s) for s in ("1", "2"))
    assert first == second and first.count("\n") == len(seed_graph)


def legal_resources(g: Graph) -> set[URIRef]:
    return set(g.subjects(RDF.type, ELI.LegalResource))


LINKS = (CV.hasLegalResource, CPSV.implements, ELI.is_part_of)


def links(g: Graph) -> set[tuple]:
    """Service → document/provision, citation → provision and provision → parent links."""
    return {t for p in LINKS for t in g.triples((None, p, None))}


def document_titles(g: Graph) -> dict[URIRef, str]:
    return {
        s: str(g.value(s, DCTERMS.title))
        for s in g.subjects(RDF.type, ELI.LegalResource)
        if (s, RDF.type, ELI.LegalResourceSubdivision) not in g
    }


def respelled(seed_path: Path, written: str, new: str) -> Catalogue:
    """The seed with the first citation written `written` written `new`, as a new revision."""
    text = seed_path.read_text(encoding="utf-8")
    assert written in text
    return parse_catalogue(text.replace(written, new, 1).encode("utf-8"), "next-revision.txt")


@pytest.mark.parametrize(
    ("written", "new", "iri"),
    [
        ("《中华人民共和国电力法》", "《电力法》", "中华人民共和国电力法"),  # without the prefix (1 of 5 citations)
        (
            "《疫苗流通和预防接种管理条例》",
            "《疫苗流通与预防接种管理条例》",
            "疫苗流通和预防接种管理条例",
        ),  # its only citation
        (
            "《国家基本公共卫生服务规范(第三版》",
            "《国家基本公共卫生服务规范（第三版）》",
            "国家基本公共卫生服务规范第三版",
        ),
        (
            "《重庆市实施〈中华人民共和国农业技术推广法〉办法》",
            "《重庆市实施《中华人民共和国农业技术推广法》办法》",
            "重庆市实施中华人民共和国农业技术推广法办法",
        ),
        # a new longer title under the same issuing number becomes the display title, not the IRI
        (
            "《中共中央、国务院关于深化医药卫生体制改革的意见》",
            "《中国共产党中央委员会、国务院关于深化医药卫生体制改革的意见》",
            "中发-2009-6",
        ),
    ],
    ids=["without-prefix", "yu-for-he", "full-width-brackets", "nested-title-brackets", "longer-title"],
)
def test_a_respelled_citation_keeps_every_document_and_provision_iri(
    seed_path: Path, seed_graph: Graph, written: str, new: str, iri: str
) -> None:
    revision = respelled(seed_path, written, new)
    assert new.strip("《》") in {c.title for i in revision.items for c in i.citations}
    g = build_graph(revision)
    assert g.identifier != seed_graph.identifier
    assert legal_resources(g) == legal_resources(seed_graph)
    assert links(g) == links(seed_graph)
    document = URIRef(f"{DEFAULT_BASE}legal/{iri}")
    assert document in legal_resources(g)
    assert new.strip("《》") in {str(label) for label in g.objects(document, DCTERMS.title | SKOS.altLabel)}


def test_a_new_longer_spelling_changes_the_display_title_only(seed_path: Path, seed_graph: Graph) -> None:
    longer = "中国共产党中央委员会、国务院关于深化医药卫生体制改革的意见"
    g = build_graph(respelled(seed_path, "《中共中央、国务院关于深化医药卫生体制改革的意见》", f"《{longer}》"))
    changed = {iri for iri, title in document_titles(g).items() if document_titles(seed_graph)[iri] != title}
    assert changed == {URIRef(f"{DEFAULT_BASE}legal/中发-2009-6")}  # keyed by title, its IRI would have moved
    assert document_titles(g)[URIRef(f"{DEFAULT_BASE}legal/中发-2009-6")] == longer


def rows_reversed(seed_path: Path, seed_catalogue: Catalogue) -> Catalogue:
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    starts = [i.lines[0] - 1 for i in seed_catalogue.items]
    rows = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    text = "\n".join(lines[: starts[0]] + [line for row in reversed(rows) for line in row])
    return parse_catalogue(text.encode("utf-8"), "reversed.txt")


def test_a_document_keeps_its_iri_when_the_citation_order_changes(
    seed_path: Path, seed_catalogue: Catalogue, seed_graph: Graph
) -> None:
    reversed_ = rows_reversed(seed_path, seed_catalogue)
    assert [i.name for i in reversed_.items] == [i.name for i in reversed(seed_catalogue.items)]
    g = build_graph(reversed_)
    assert legal_resources(g) == legal_resources(seed_graph)
    assert links(g) == links(seed_graph)


def test_documents_whose_identities_share_a_key_are_told_apart_by_identity_not_order() -> None:
    def iris_of(*titles: str) -> dict[str, str]:
        items = [
            Item(n, False, f"事项{n}", "", "", (), (), (), "", (Citation(t, None, (), "", "", n),), (), {}, (), (n, n))
            for n, t in enumerate(titles, 1)
        ]
        statutes = identify(items)
        minted = document_iris(statutes, Minter(DEFAULT_BASE, "ab" * 32))
        return {d.title: str(minted[id(d)]).removeprefix(DEFAULT_BASE) for d in statutes.documents}

    forward, backward = iris_of("甲、乙条例", "甲，乙条例"), iris_of("甲，乙条例", "甲、乙条例")
    assert forward == backward == {"甲,乙条例": "legal/甲-乙条例", "甲、乙条例": "legal/甲-乙条例-2"}  # NFKC: ，→,
