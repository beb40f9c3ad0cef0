"""IRI minting: readable keys, stable across runs, row moves and renumbering."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.build import build_graph
from graph.iris import Minter, key, provision, service_keys
from graph.namespaces import CPSV, DCTERMS, DEFAULT_BASE, RDF, SG, base_iri
from loaders.records import Catalogue, Item


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
    assert m.channel("一次办") == URIRef("https://data.example/dj/channel/one-visit")
    assert m.concept("theme", "社会保障(社会保险)") == URIRef("https://data.example/dj/concept/theme/社会保障-社会保险")
    doc = m.document("中华人民共和国电力法")
    assert provision(doc, (("条", 30), ("款", 2), ("项", 2))) == URIRef(
        "https://data.example/dj/legal/中华人民共和国电力法/art_30/par_2/pnt_2")


def services(g) -> dict[str, URIRef]:
    return {str(g.value(s, DCTERMS.identifier)): s for s in g.subjects(RDF.type, CPSV.PublicService)}


def test_an_item_keeps_its_iri_when_its_row_moves_or_is_renumbered_in_the_next_revision() -> None:
    first = build_graph(catalogue(item(1, "甲事项", (10, 12)), item(2, "乙事项", (13, 15))))
    moved = build_graph(catalogue(item(1, "新事项", (10, 11)), item(2, "乙事项", (12, 14)),
                                  item(3, "甲事项", (15, 17)), sha="cd" * 32))
    assert services(first)["1"] == services(moved)["3"]
    assert services(first)["2"] == services(moved)["2"]
    assert first.identifier != moved.identifier  # each revision its own named graph


def test_same_catalogue_same_graph_on_every_run() -> None:
    c = catalogue(item(1, "甲事项"), item(2, "甲事项"))
    a, b = build_graph(c), build_graph(c)
    assert set(a) == set(b)
    assert sorted(services(a).values()) == [URIRef(DEFAULT_BASE + "service/甲事项"),
                                            URIRef(DEFAULT_BASE + "service/甲事项-2")]


def test_base_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    g = build_graph(catalogue(item(1, "甲事项")), base="https://data.example/dj/")
    assert services(g)["1"] == URIRef("https://data.example/dj/service/甲事项")
    minted = {s for s in g.subjects() if not str(s).startswith(str(SG))}
    assert minted and all(str(s).startswith("https://data.example/dj/") for s in minted)
    monkeypatch.setenv("SERVICEGRAPH_BASE", "https://env.example/")
    assert base_iri() == "https://env.example/"
    assert base_iri("https://flag.example/") == "https://flag.example/"
    with pytest.raises(ValueError, match="must end with"):
        base_iri("https://no-slash.example")


def test_an_item_with_an_unusable_name_still_gets_an_iri() -> None:
    assert service_keys([item(7, "（）")]) == ["item-7"]
