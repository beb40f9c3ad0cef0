"""The statute status layer and the currency check (issue 12).

Expected values come from the issue's table of eight changes (events and dates) and from
the seed's own citations (which services cite which document is found from the parsed
records with graph/statutes.py, not from the check). Status files other than the shipped
table are written here for the purpose; their provision mappings are made up for the test
and say nothing of the real texts.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from servicegraph.api.review import check, impact, local_runner
from servicegraph.graph.build import build_graph
from servicegraph.graph.currency import Currency
from servicegraph.graph.namespaces import DEFAULT_BASE, ELI, SG
from servicegraph.graph.status import DocumentIndex, build_status_graph, status_layer
from servicegraph.graph.statutes import identify, title_key
from servicegraph.loaders.dates import date_in, parse_date
from servicegraph.loaders.status import StatusError, StatusTable, parse_status, shipped_status

B = DEFAULT_BASE
HEADER = "document,event,date,replacement,provisions,source\n"

ISSUE_TABLE = {
    # title as cited → (event, in force from), from issue 12's table
    "信访条例": ("replaced", date(2022, 5, 1)),
    "中华人民共和国执业医师法": ("repealed", date(2022, 3, 1)),
    "疫苗流通和预防接种管理条例": ("repealed", date(2019, 12, 1)),
    "中华人民共和国动物防疫法": ("amended", date(2021, 5, 1)),
    "农村土地承包经营权流转管理办法": ("replaced", date(2021, 3, 1)),
    "食用农产品市场销售质量安全监督管理办法": ("replaced", date(2023, 12, 1)),
    "中华人民共和国农产品质量安全法": ("amended", date(2023, 1, 1)),
    "中华人民共和国政府信息公开条例": ("amended", date(2019, 5, 15)),
}


def table(text: str, name: str = "test.csv") -> StatusTable:
    return parse_status((HEADER + text).encode("utf-8"), name)


def run_check(graph: Graph, layer: Graph) -> Currency:
    return asyncio.run(check(local_runner([graph, layer])))


@pytest.fixture(scope="module")
def index(seed_graph: Graph) -> DocumentIndex:
    return DocumentIndex.from_graph(seed_graph, B)


def test_the_index_of_a_catalogues_documents_is_the_index_read_from_its_graph(
    seed_catalogue, index: DocumentIndex
) -> None:
    """`DocumentIndex.of` (from the builder's documents, no graph) against `from_graph` (from the triples)."""
    from servicegraph.graph.build import CatalogueTriples

    built = DocumentIndex.of(CatalogueTriples(seed_catalogue).documents(), B)
    assert built.documents == index.documents
    assert len(built.documents) == len(identify(seed_catalogue.items).documents)


@pytest.fixture(scope="module")
def shipped(seed_graph: Graph) -> Currency:
    return run_check(seed_graph, status_layer(seed_graph, None, B))


@pytest.fixture(scope="module")
def citing(seed_catalogue) -> dict[str, set[int]]:
    """Title key of each of the eight documents → the items citing it, from the records."""
    statutes = identify(seed_catalogue.items)
    out: dict[str, set[int]] = {}
    for item in seed_catalogue.items:
        for c in item.citations:
            keys = {title_key(s.title) for s in statutes.document(c).spellings}
            for title in ISSUE_TABLE:
                if title_key(title) in keys:
                    out.setdefault(title, set()).add(item.number)
    return out


# ---- the loader ----


def test_the_shipped_table_holds_the_issues_eight_facts_each_with_a_source() -> None:
    rows = shipped_status().rows
    assert [(r.document.title, r.event, r.date) for r in rows] == [(t, *v) for t, v in ISSUE_TABLE.items()]
    assert all(r.source for r in rows)
    replaced = {r.document.title: r.replacement.title for r in rows if r.replacement and r.event != "amended"}
    assert replaced["信访条例"] == "信访工作条例"
    assert replaced["食用农产品市场销售质量安全监督管理办法"] == "食用农产品市场销售质量安全监督管理办法"


def test_dates_are_read_in_the_forms_legal_texts_write_them() -> None:
    assert parse_date("2022-05-01") == parse_date("2022年5月1日") == parse_date(" 2022/5/1 ") == date(2022, 5, 1)
    assert parse_date("2022-02-30") is None and parse_date("五月") is None and parse_date("2022-05-01 起") is None
    assert date_in("某县公共服务事项目录（2019年6月30日修订）") == date(2019, 6, 30)


def test_a_file_with_bad_rows_is_refused_with_every_line_in_chinese_and_english() -> None:
    with pytest.raises(StatusError) as caught:
        table(
            "《信访条例》,replaced,2022-05-01,《信访工作条例》,,ok\n"  # line 2: good
            "《信访条例》,replaced,五月一日,《信访工作条例》,,bad date\n"  # line 3
            "《信访条例》,vanished,2022-05-01,,,bad event\n"  # line 4
            "《信访条例》,replaced,2022-05-01,,,no replacement\n"  # line 5
            "《信访条例》,amended,2022-05-01,,第三条→somewhere,bad mapping\n"  # line 6
            "《信访条例》,amended,2022-05-01,,,\n",  # line 7: no source
            "bad.csv",
        )
    problems = caught.value.problems
    assert [p.line for p in problems] == [3, 4, 5, 6, 7]
    assert all(p.zh and p.en for p in problems)
    assert "不是日期" in problems[0].zh and "not a date" in problems[0].en
    assert str(caught.value).splitlines()[0].startswith("bad.csv:3: ")


def test_headers_may_be_chinese_and_a_missing_column_is_named() -> None:
    data = "文件,变化,日期,来源\n《信访条例》,废止,2022年5月1日,国务院\n".encode()
    (row,) = parse_status(data, "zh.csv").rows
    assert (row.event, row.date) == ("repealed", date(2022, 5, 1))
    with pytest.raises(StatusError) as caught:
        parse_status(b"document,event\n", "short.csv")
    assert caught.value.problems[0].line == 1 and "date" in caught.value.problems[0].en


# ---- the graph ----


def test_a_fact_names_its_document_by_any_variant_title_its_number_or_its_key(index: DocumentIndex) -> None:
    rows = table(
        "《社会保险法》,in-force,2019-01-01,,,a\n"  # the seed cites 中华人民共和国社会保险法
        "渝办发[2011]293号通知 (渝办发[2011]293号),in-force,2019-01-01,,,b\n"
        "渝办发-2011-293,in-force,2019-01-01,,,c\n"
    ).rows
    found = [index.find(r.document) for r in rows]
    assert [str(d.iri) if d else None for d in found] == [
        f"{B}legal/中华人民共和国社会保险法",
        f"{B}legal/渝办发-2011-293",
        f"{B}legal/渝办发-2011-293",
    ]


def test_a_fact_about_an_unknown_document_or_with_a_replacement_that_is_no_document_is_refused(
    index: DocumentIndex,
) -> None:
    bad = table(
        "《信访条例》,replaced,2022-05-01,《信访工作条例》,,ok\n"
        "《不存在的条例》,repealed,2022-05-01,,,unknown document\n"  # line 3
        "《信访条例》,replaced,2022-05-01,第五条,,replacement is an article\n"  # line 4
        "《信访条例》,replaced,2022-05-01,《信访条例》,,replaced by itself\n",  # line 5
        "bad.csv",
    )
    with pytest.raises(StatusError) as caught:
        build_status_graph([bad], index)
    assert [p.line for p in caught.value.problems] == [3, 4, 5]
    assert "目录未引用" in caught.value.problems[0].zh and "cites no document" in caught.value.problems[0].en
    assert "not a document" in caught.value.problems[1].en


def test_the_layer_is_its_own_named_graph_in_eli_terms_with_provenance(seed_graph: Graph) -> None:
    layer = status_layer(seed_graph, None, B)
    assert layer.identifier == URIRef(f"{B}status")
    assert not set(layer) & set(seed_graph)  # nothing of the catalogue is restated
    old, new = URIRef(f"{B}legal/信访条例"), URIRef(f"{B}legal/信访工作条例")
    assert (old, ELI.repealed_by, new) in layer and (new, ELI.repeals, old) in layer
    assert layer.value(old, ELI.date_no_longer_in_force) == Literal(date(2022, 5, 1))
    assert layer.value(old, ELI.in_force) == ELI["InForce-notInForce"]
    animal = URIRef(f"{B}legal/中华人民共和国动物防疫法")
    assert layer.value(animal, ELI.in_force) == ELI["InForce-inForce"]
    fact = layer.value(None, SG.document, old)
    assert layer.value(fact, SG.line) == Literal(2) and layer.value(fact, SG.event) == SG.replaced
    # the same title under a new number is another document, not the one it replaces
    food = URIRef(f"{B}legal/食用农产品市场销售质量安全监督管理办法")
    assert layer.value(food, ELI.repealed_by) not in (None, food)


# ---- the check on the seed ----


def test_each_of_the_eight_documents_flags_the_services_citing_it_with_the_right_reason(
    shipped: Currency, citing: dict[str, set[int]]
) -> None:
    assert set(citing) == set(ISSUE_TABLE)  # the seed cites all eight
    for title, (event, since) in ISSUE_TABLE.items():
        flagged = {
            s.number
            for s in shipped.services
            for c in s.citations
            if title_key(c.document_title) == title_key(title) and c.status == event and c.since == since
        }
        assert flagged == citing[title], title
        assert all(shipped.services[[s.number for s in shipped.services].index(n)].review for n in flagged)


def test_a_service_resting_only_on_repealed_law_is_told_apart(
    shipped: Currency, seed_catalogue, citing: dict[str, set[int]]
) -> None:
    ended = {t for t, (event, _) in ISSUE_TABLE.items() if event in ("replaced", "repealed")}
    statutes = identify(seed_catalogue.items)
    expected = {
        item.number
        for item in seed_catalogue.items
        if item.citations
        and all(
            any(title_key(s.title) == title_key(t) for t in ended for s in statutes.document(c).spellings)
            for c in item.citations
        )
    }
    assert {s.number for s in shipped.only_repealed} == expected
    assert 57 in expected  # cites 执业医师法 alone
    # item 24 cites 信访条例 (replaced) and 重庆市信访条例 too: to review, not only repealed law
    (item24,) = [s for s in shipped.services if s.number == 24]
    assert item24.review and not item24.only_repealed
    assert {c.status for c in item24.citations} == {"replaced", "unknown"}


def test_a_document_without_a_fact_is_unknown_never_in_force(shipped: Currency) -> None:
    statuses = {c.document_title: c.status for s in shipped.services for c in s.citations}
    assert statuses["中华人民共和国电力法"] == "unknown"
    assert "in-force" not in statuses.values()  # the shipped table confirms nothing in force
    assert shipped.documents_known == 8 and shipped.documents == len(statuses)


def test_a_fact_in_force_makes_the_other_basis_hold(seed_graph: Graph) -> None:
    layer = status_layer(
        seed_graph,
        [shipped_status(), table("《重庆市信访条例》,in-force,2024-01-01,,,checked for the test\n")],
        B,
    )
    (item24,) = [s for s in run_check(seed_graph, layer).services if s.number == 24]
    assert {c.status for c in item24.citations} == {"replaced", "in-force"}
    assert item24.review and not item24.only_repealed


def test_the_catalogues_date_decides_whether_an_amendment_is_news(seed_catalogue) -> None:
    graph = build_graph(seed_catalogue, issued=date(2022, 1, 1))
    result = run_check(graph, status_layer(graph, None, B))
    statuses = {c.document_title: c.status for s in result.services for c in s.citations}
    assert result.read_at == date(2022, 1, 1)
    assert statuses["中华人民共和国政府信息公开条例"] == "in-force"  # amended 2019: cited as amended
    assert statuses["中华人民共和国农产品质量安全法"] == "amended"  # amended 2023: after
    assert statuses["信访条例"] == "replaced"


def test_a_renumbered_article_is_mapped_to_its_new_number(seed_graph: Graph) -> None:
    layer = status_layer(
        seed_graph,
        [
            table(
                "《中华人民共和国动物防疫法》,amended,2021-05-01,,第九条→第十一条；第十五条→并入第二十条；第六条→删除,test\n"
                "《中华人民共和国执业医师法》,repealed,2022-03-01,《中华人民共和国医师法》,第二十一条→第二十三条,test\n"
            )
        ],
        B,
    )
    cites = {(s.number, c.provision_label): c for s in run_check(seed_graph, layer).services for c in s.citations}
    art9 = cites[(28, "《中华人民共和国动物防疫法》第九条")]
    # the revised text's article 11 is not the old text's (which the catalogue may cite too)
    revised = f"{B}legal/中华人民共和国动物防疫法/2021-05-01"
    assert (art9.status, art9.change, art9.changed_to) == ("amended", "renumbered", f"{revised}/art_11")
    assert "第十一条" in art9.reason[0] and "第十一条" in art9.reason[1]
    par = cites[(28, "《中华人民共和国动物防疫法》第十五条第二款")]  # its article was merged
    merged_into = "《中华人民共和国动物防疫法》（2021-05-01起施行）第二十条"
    assert (par.change, par.changed_to_label) == ("merged", merged_into)
    assert cites[(38, "《中华人民共和国动物防疫法》第六条")].change == "deleted"
    assert cites[(38, "《中华人民共和国动物防疫法》第七条")].change is None
    doctor = cites[(57, "《中华人民共和国执业医师法》第二十一条")]
    assert (doctor.status, doctor.changed_to) == ("repealed", f"{B}legal/中华人民共和国医师法/art_23")
    assert doctor.changed_to_label == "《中华人民共和国医师法》第二十三条"


def test_the_impact_of_an_unpublished_amendment_lists_services_agencies_and_levels(
    seed_graph: Graph, seed_catalogue
) -> None:
    layer = status_layer(seed_graph, None, B)
    runner = local_runner([seed_graph, layer])
    fact = table("《电力法》,amended,2027-01-01,,第二十六条→第三十条,announced for the test\n")
    result = asyncio.run(impact(runner, fact, B))
    electricity = [i for i in seed_catalogue.items if any(title_key(c.title) == "电力法" for c in i.citations)]
    assert result["published"] is False
    assert result["services"] == sorted(i.number for i in electricity)
    assert set(result["agencies"]) == {a for i in electricity for a in i.agencies}
    assert set(result["levels"]) == {lv for i in electricity for lv, mark in i.levels.items() if mark}
    (touched,) = result["facts"]
    assert all(s["review_after"] and not s["review_before"] for s in touched["services"])
    moved = [c for s in touched["services"] for c in s["citations"] if c["change"]]
    assert moved and all(c["changed_to"].endswith("/art_30") for c in moved)
    # nothing was published: the graph the runner reads still knows nothing of 电力法
    after = asyncio.run(check(runner))
    assert {c.status for s in after.services for c in s.citations if c.document_title == "中华人民共和国电力法"} == {
        "unknown"
    }


def test_the_named_query_of_services_on_repealed_law_agrees_with_the_check(
    seed_graph: Graph, shipped: Currency
) -> None:
    from servicegraph.api import named_queries as nq

    rows = asyncio.run(
        nq.run(local_runner([seed_graph, status_layer(seed_graph, None, B)]), "services-on-repealed-law")
    )
    ended = {
        (s.number, c.document) for s in shipped.services for c in s.citations if c.status in ("replaced", "repealed")
    }
    assert {(r["number"], r["document"]) for r in rows} == ended
    assert {r["number"] for r in rows if r["only"]} == {s.number for s in shipped.only_repealed}


def test_documents_found_by_query_equal_those_read_from_the_graph(seed_graph: Graph, index: DocumentIndex) -> None:
    from servicegraph.api.review import document_index

    queried = asyncio.run(document_index(local_runner([seed_graph]), B))
    assert [(d.iri, set(d.titles), d.doc_number) for d in queried.documents] == [
        (d.iri, set(d.titles), d.doc_number) for d in index.documents
    ]


def test_status_files_on_disk_are_read_with_their_name(tmp_path: Path) -> None:
    from servicegraph.loaders.status import read_status

    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "《信访条例》,废止,2022-05-01,,,来源\n").encode("gb18030"))
    assert read_status(path).rows[0].event == "repealed"
    with pytest.raises(StatusError) as caught:
        read_status(tmp_path / "missing.csv")
    assert "missing.csv" in str(caught.value)


def test_the_layers_shapes_refuse_what_the_rows_cannot_say(seed_graph: Graph, index: DocumentIndex) -> None:
    """The shapes guard the layer itself (e.g. one edited as Turtle): a fact without a date,
    a replaced one without its replacement, a change to nowhere are Violations, each at the
    fact's line."""
    from servicegraph.graph.namespaces import DCTERMS
    from servicegraph.graph.status import status_shapes
    from servicegraph.graph.validate import validate

    layer = status_layer(seed_graph, None, B)
    data = Graph()
    for triple in [*layer, *index.type_triples()]:
        data.add(triple)
    assert validate(data, status_shapes()).conforms
    fact = layer.value(None, SG.document, URIRef(f"{B}legal/信访条例"))
    data.remove((fact, DCTERMS.date, None))
    data.remove((fact, SG.replacement, None))
    data.add((fact, SG.document, URIRef(f"{B}legal/无此文件")))
    report = validate(data, status_shapes())
    violated = {(r.shape.rsplit("#", 1)[-1], r.line) for r in report.results if r.severity == "Violation"}
    assert violated == {("FactDate", 2), ("ReplacedHasReplacement", 2), ("FactDocument", 2)}


def test_impact_judges_each_touched_service_whole(seed_graph: Graph) -> None:
    """Items 24 and 25 cite 信访条例 (replaced, shipped table) and 重庆市信访条例: repealing the
    second would leave them resting only on repealed law; nothing else cites it."""
    runner = local_runner([seed_graph, status_layer(seed_graph, None, B)])
    result = asyncio.run(impact(runner, table("《重庆市信访条例》,repealed,2030-01-01,,,test\n"), B))
    (fact,) = result["facts"]
    assert (fact["event"], fact["document_title"]) == ("repealed", "重庆市信访条例")
    assert [
        (s["number"], s["review_before"], s["only_repealed_before"], s["only_repealed_after"]) for s in fact["services"]
    ] == [
        (24, True, False, True),
        (25, True, False, True),
    ]


def test_bytes_that_are_no_text_or_no_csv_are_refused_as_status_files() -> None:
    for data in (bytes([0xFF, 0xFE, 0x80, 0x81]) * 20, HEADER.encode() + b"a,b\x00,c\n"):
        with pytest.raises(StatusError) as caught:
            parse_status(data, "junk.csv")
        assert str(caught.value).startswith("junk.csv")
