"""The named queries, run on pyoxigraph with bound parameters.

`sample` is a hand-written graph (tests/fixtures/named_queries_sample.trig) whose answers
can be checked by eye; `seed` is the built seed catalogue, whose answers are checked
against the source text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from servicegraph.api import named_queries as nq
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.oxigraph import OxigraphStore

B = "https://servicegraph.example/"
SG = "https://servicegraph.example/ontology#"
SAMPLE = Path(__file__).parent / "fixtures" / "named_queries_sample.trig"
ELECTRICITY = f"{B}legal/中华人民共和国电力法"
SOCIAL = f"{B}legal/中华人民共和国社会保险法"


class Sync:
    """The named queries on an in-process `OxigraphStore`, called synchronously."""

    def __init__(self, store: ox.Store, graphs: tuple[str, ...] | None) -> None:
        embedded = OxigraphStore(store)

        async def execute(request: QueryRequest) -> QueryResult:
            return embedded.execute(request)

        self.runner = nq.Runner(execute, graphs)

    def run(self, name: str, params: dict | None = None) -> list[nq.Row]:
        return asyncio.run(nq.run(self.runner, name, params))

    def page(self, name: str, params: dict | None, limit: int, offset: int) -> tuple[list[nq.Row], int]:
        return asyncio.run(nq.run_page(self.runner, name, params, limit, offset))


@pytest.fixture(scope="module")
def sample() -> Sync:
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    return Sync(store, (f"{B}revision/abc",))


def test_every_query_parses_and_documents_itself() -> None:
    queries = nq.load_queries()
    assert {"services", "service", "shared-provisions", "shared-articles", "agencies"} <= set(queries)
    for q in queries.values():
        assert q.description, q.file_name
        for p in q.parameters:
            assert f"?{p}" in q.text.partition("WHERE")[0], f"{q.file_name} must project ?{p}"
        ox.Store().query(q.text)  # parses


def test_services_page_and_total(sample: Sync) -> None:
    rows, total = sample.page("services", None, limit=2, offset=1)
    assert total == 4
    assert [r["number"] for r in rows] == [31, 32]
    rows, total = sample.page("services", None, limit=10, offset=10)
    assert (rows, total) == ([], 4)


def test_one_service_by_number(sample: Sync) -> None:
    (row,) = sample.run("service", {"number": Literal(31)})
    assert row["service"] == f"{B}service/供电乙" and row["title"] == "供电乙"
    assert sample.run("service", {"number": Literal(99)}) == []


def test_service_levels_in_level_order(sample: Sync) -> None:
    rows = sample.run("service-levels", {"service": URIRef(f"{B}service/供电乙")})
    assert [(r["level"], r["role"]) for r in rows] == [
        (f"{SG}county", f"{SG}finalApproval"),
        (f"{SG}township", f"{SG}preliminaryReview"),
    ]


def test_service_citations_name_their_document(sample: Sync) -> None:
    rows = sample.run("service-citations", {"service": URIRef(f"{B}service/社保查询")})
    assert [(r["identifier"], r["document"]) for r in rows] == [("32.1", SOCIAL), ("32.2", ELECTRICITY)]
    assert rows[0]["target"] == f"{SOCIAL}/art_74" and rows[0]["quote"] == "免费查询"
    assert rows[1]["target"] == ELECTRICITY and rows[1]["target_label"] == "中华人民共和国电力法"


def test_related_services_rank_shared_provisions_first(sample: Sync) -> None:
    params = {"service": URIRef(f"{B}service/社保查询")}
    rows, total = sample.page("related-services", params, limit=10, offset=0)
    got = [(r["number"], r["shared_provisions"], r["shared_documents"]) for r in rows]
    # 33 shares art. 74 and its law; 30 and 31 share only the electricity law.
    assert got == [(33, 1, 1), (30, 0, 1), (31, 0, 1)]
    assert total == 3


def test_shared_provisions_count_direct_citations(sample: Sync) -> None:
    rows, total = sample.page("shared-provisions", {"min_services": Literal(2)}, 10, 0)
    assert [(r["provision"], r["services"]) for r in rows] == [(f"{SOCIAL}/art_74", 2)]  # 32 and 33
    assert total == 1
    _, total = sample.page("shared-provisions", {"min_services": Literal(1)}, 10, 0)
    assert total == 3


def test_shared_articles_roll_paragraphs_up(sample: Sync) -> None:
    rows, total = sample.page("shared-articles", {"min_services": Literal(2)}, 10, 0)
    got = {r["provision"]: r["services"] for r in rows}
    # art. 26 carries 30 (art. 26 itself) and 31 (its paragraph 2).
    assert got == {f"{ELECTRICITY}/art_26": 2, f"{SOCIAL}/art_74": 2}
    assert total == 2
    assert all(r["min_services"] == 2 for r in rows)


def test_statute_services_page_a_document_or_a_provision(sample: Sync) -> None:
    rows, total = sample.page("statute-services", {"basis": URIRef(ELECTRICITY)}, 2, 0)
    assert [r["number"] for r in rows] == [30, 31] and total == 3  # 30, 31 and 32 rest on the law
    span = {"basis": URIRef(ELECTRICITY), "first": Literal(31), "last": Literal(31)}
    agencies = sample.run("statute-service-agencies", span)
    assert [(r["service"], r["name"]) for r in agencies] == [
        (f"{B}service/供电乙", "乡镇人民政府(街道办事处)"),
        (f"{B}service/供电乙", "县供电公司"),
    ]
    levels = sample.run("statute-service-levels", span)
    assert sorted((r["level"], r["role"]) for r in levels) == [
        (f"{SG}county", f"{SG}finalApproval"),
        (f"{SG}township", f"{SG}preliminaryReview"),
    ]
    rows, total = sample.page("statute-services", {"basis": URIRef(f"{ELECTRICITY}/art_26")}, 10, 0)
    assert [r["number"] for r in rows] == [30, 31] and total == 2  # 31 through its paragraph 2
    rows, total = sample.page("statute-services", {"basis": URIRef(f"{ELECTRICITY}/art_26/par_2")}, 10, 0)
    assert [r["number"] for r in rows] == [31] and total == 1


def test_statute_citations_of_a_page_of_services(sample: Sync) -> None:
    params = {"document": URIRef(ELECTRICITY), "first": Literal(31), "last": Literal(32)}
    rows = sample.run("statute-citations", params)
    assert [(r["number"], r["target"]) for r in rows] == [(31, f"{ELECTRICITY}/art_26/par_2"), (32, ELECTRICITY)]


def test_agencies_and_their_services(sample: Sync) -> None:
    rows, total = sample.page("agencies", None, 10, 0)
    assert [(r["name"], r["services"]) for r in rows] == [("乡镇人民政府(街道办事处)", 3), ("县供电公司", 2)]
    assert total == 2
    agency = URIRef(f"{B}agency/县供电公司")
    rows, total = sample.page("agency-services", {"agency": agency}, 1, 1)
    assert [r["number"] for r in rows] == [33] and total == 2


def test_services_by_level_and_role(sample: Sync) -> None:
    township = URIRef(f"{SG}township")
    params = {"level": township, "role": URIRef(f"{SG}preliminaryReview")}
    rows, total = sample.page("services-by-level", params, 10, 0)
    assert [r["number"] for r in rows] == [31, 32] and total == 2
    rows, total = sample.page("services-by-level", {"level": township, "role": None}, 10, 0)
    assert [r["number"] for r in rows] == [30, 31, 32] and total == 3


def test_a_crafted_value_is_a_value(sample: Sync) -> None:
    crafted = Literal("31 } UNION { ?service ?p ?o } #")
    assert sample.run("service", {"number": crafted}) == []
    with pytest.raises(ValueError):
        sample.run("service", {"nonsense": Literal(1)})
