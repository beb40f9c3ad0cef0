"""/api/ over HTTP (httpx) against a real server on the seed catalogue.

Expected answers come from the source text (line numbers in comments) or are computed
from the loader's records and graph.statutes — never from the queries under test. Every
test runs on the embedded store and on an Oxigraph server (tests/engines.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from engines import ENGINES, engine_settings
from http_server import serving

from servicegraph.api import named_queries as nq
from servicegraph.graph.iris import key
from servicegraph.graph.statutes import identify

B = "https://servicegraph.example/"


@pytest.fixture(scope="module", params=ENGINES)
def api(request: pytest.FixtureRequest, seed_path: Path, tmp_path_factory) -> Iterator[httpx.Client]:
    """The seed served on each engine (the Oxigraph server loaded over its Graph Store)."""
    directory = tmp_path_factory.mktemp("engine")
    with engine_settings(request.param, directory) as settings, serving(seed_path, **settings) as client:
        yield client


def get(api: httpx.Client, path: str, **params: object) -> dict:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def all_items(api: httpx.Client, path: str, page: int = 7, **params: object) -> list[dict]:
    """Every item of a paged answer, fetched `page` at a time; checks `total` on the way."""
    items: list[dict] = []
    total = None
    while total is None or len(items) < total:
        body = get(api, path, limit=page, offset=len(items), **params)
        assert total in (None, body["total"]) and (body["limit"], body["offset"]) == (page, len(items))
        total = body["total"]
        if not body["items"]:
            break
        items += body["items"]
    assert len(items) == total
    return items


def test_services_are_paged_with_a_true_total(api: httpx.Client, seed_catalogue) -> None:
    items = all_items(api, "/api/services")
    assert [i["number"] for i in items] == sorted(i.number for i in seed_catalogue.items)
    assert get(api, "/api/services", limit=5, offset=200) == {
        "total": 98,
        "limit": 5,
        "offset": 200,
        "items": [],
        "next_offset": None,
        "prev_offset": 195,
    }


def test_one_service(api: httpx.Client) -> None:
    body = get(api, "/api/services/14")  # source line 270ff: 创业服务, 县 审定, 乡镇 初审
    assert body["title"] == "创业服务" and body["iri"] == f"{B}service/创业服务"
    assert [(lv["level"], lv["role"]) for lv in body["levels"]] == [
        ("city", "implementer"),
        ("county", "final-approval"),
        ("township", "preliminary-review"),
    ]
    assert body["citations"] and all(c["document"]["iri"].startswith(f"{B}legal/") for c in body["citations"])
    assert api.get("/api/services/999").status_code == 404
    assert api.get("/api/services/abc").status_code == 422


def test_related_services_share_the_electricity_law(api: httpx.Client) -> None:
    # Items 44–48 (source lines 910–1018) all cite 《中华人民共和国电力法》第二十六条.
    items = all_items(api, "/api/services/44/related")
    first = {i["number"]: i for i in items[:4]}
    assert set(first) == {45, 46, 47, 48}
    assert all(i["shared_provisions"] >= 1 for i in first.values())
    assert all(i["number"] != 44 for i in items)


@pytest.mark.parametrize(
    ("q", "title", "match"),
    [
        ("中华人民共和国社会保险法", "中华人民共和国社会保险法", "canonical-title"),
        ("社会保险法", "中华人民共和国社会保险法", "variant-title"),  # line 394: 《社会保险法》
        ("《社会保险法》", "中华人民共和国社会保险法", "variant-title"),
        ("电力法", "中华人民共和国电力法", "fragment"),
        ("渝办发〔2011〕293号", None, "issuing-number"),  # lines 1238, 1244, 1267
        ("渝办发[2011]293号", None, "issuing-number"),
    ],
)
def test_statute_search_finds_every_spelling(api: httpx.Client, q: str, title: str | None, match: str) -> None:
    body = get(api, "/api/statutes", q=q)
    best = body["items"][0]
    assert best["match"] == match
    if title:
        assert best["title"] == title
    else:
        assert best["doc_number"] == "渝办发〔2011〕293号" and best["services"] == 2  # items 60, 61
    ranks = [i["match_rank"] for i in body["items"]]
    assert ranks == sorted(ranks) and body["total"] == len(body["items"])


def test_statute_search_ranks_exact_before_fragment(api: httpx.Client) -> None:
    items = all_items(api, "/api/statutes", q="重庆市")
    assert len(items) > 1 and {i["match"] for i in items} == {"fragment"}
    assert api.get("/api/statutes", params={"q": "《》 "}).status_code == 400


def test_a_crafted_search_is_only_text(api: httpx.Client) -> None:
    body = get(api, "/api/statutes", q='法" ) } UNION { ?document ?p ?o } #')
    assert (body["total"], body["items"]) == (0, [])
    assert api.get("/api/statutes/x> ?p ?o } #").status_code == 404


def test_statute_provision_tree_carries_services_and_wording(api: httpx.Client) -> None:
    body = get(api, "/api/statutes/中华人民共和国电力法")
    (art26,) = [p for p in body["provisions"] if p["number"] == "26"]
    assert art26["kind"] == "article" and art26["services_resting"] == 5
    assert sorted(c["service"]["number"] for c in art26["citations"]) == [44, 45, 46, 47, 48]
    assert all(c["quote"].startswith("供电营业区内的供电营业机构") for c in art26["citations"])
    assert all(c["service"]["agencies"] and c["service"]["levels"] for c in art26["citations"])
    assert api.get("/api/statutes/没有这部法").status_code == 404


def _expected_rollup(catalogue) -> dict[tuple[str, tuple], set[int]]:
    """(document key, top-level provision) → numbers of the items resting on it."""
    statutes = identify(catalogue.items)
    resting: dict[tuple[str, tuple], set[int]] = defaultdict(set)
    for item in catalogue.items:
        for citation in item.citations:
            if citation.provision:
                doc = statutes.document(citation)
                resting[(key(doc.title), citation.provision[0])].add(item.number)
    return resting


def resting_numbers(api: httpx.Client, shared: dict) -> list[int]:
    """The numbers of the services a shared provision's answer says rest on it, every page
    of them (the statute's services paged under the provision)."""
    path = f"/api/statutes/{shared['document']['key']}"
    numbers: list[int] = []
    offset: int | None = 0
    while offset is not None:
        page = get(api, path, provision=shared["path"], limit=3, offset=offset)["services"]
        assert page["total"] == shared["services"]
        numbers += [s["number"] for s in page["items"]]
        offset = page["next_offset"]
    return numbers


def test_flagship_shared_articles_match_the_records(api: httpx.Client, seed_catalogue) -> None:
    expected = {k: v for k, v in _expected_rollup(seed_catalogue).items() if len(v) >= 2}
    items = all_items(api, "/api/provisions/shared", rollup=True)
    assert len(items) == len(expected)
    counts = [i["services"] for i in items]
    assert counts == sorted(counts, reverse=True)
    art26 = next(i for i in items if i["iri"] == f"{B}legal/中华人民共和国电力法/art_26")
    assert resting_numbers(api, art26) == [44, 45, 46, 47, 48]
    got = sorted(resting_numbers(api, i) for i in items)
    assert got == sorted(sorted(v) for v in expected.values())


def test_shared_provisions_without_rollup(api: httpx.Client) -> None:
    unrolled = all_items(api, "/api/provisions/shared")
    rolled = all_items(api, "/api/provisions/shared", rollup=True)
    assert unrolled and all(i["services"] >= 2 for i in unrolled)
    assert max(i["services"] for i in unrolled) <= max(i["services"] for i in rolled)
    one = all_items(api, "/api/provisions/shared", min_services=1)
    assert len(one) > len(unrolled)


def test_a_quoted_item_is_shared_as_the_item_and_rolls_up_to_its_article(api: httpx.Client) -> None:
    """Items 32 and 39 quote 《农业技术推广法》第十一条's lead-in and its item (一) (seed lines
    664, 793); 27, 28 and 31 quote items (四), (二), (六): the item is shared, the article
    counts all five."""
    art11 = f"{B}legal/中华人民共和国农业技术推广法/art_11"
    unrolled = {i["iri"]: i for i in all_items(api, "/api/provisions/shared")}
    assert resting_numbers(api, unrolled[f"{art11}/pnt_1"]) == [32, 39]
    assert unrolled[f"{art11}/pnt_1"]["label"] == "《中华人民共和国农业技术推广法》第十一条第一项"
    assert art11 not in unrolled
    rolled = {i["iri"]: i for i in all_items(api, "/api/provisions/shared", rollup=True)}
    assert resting_numbers(api, rolled[art11]) == [27, 28, 31, 32, 39]


def test_agencies_and_their_services(api: httpx.Client, seed_catalogue) -> None:
    agencies = all_items(api, "/api/agencies", page=10)
    names = {a for item in seed_catalogue.items for a in item.agencies}
    assert {a["name"] for a in agencies} == names
    township = next(a for a in agencies if a["name"] == "乡镇人民政府(街道办事处)")
    carried = sorted(i.number for i in seed_catalogue.items if "乡镇人民政府(街道办事处)" in i.agencies)
    assert township["services"] == len(carried)
    body = get(api, f"/api/agencies/{township['key']}", limit=1000)
    assert [s["number"] for s in body["services"]["items"]] == carried
    assert body["services"]["total"] == len(carried)
    assert api.get("/api/agencies/nobody").status_code == 404


def test_where_the_township_does_preliminary_review(api: httpx.Client, seed_catalogue) -> None:
    expected = [i.number for i in seed_catalogue.items if i.levels["township"] and i.levels["township"].role == "初审"]
    assert expected == [14, 16, 41, 42]  # source lines 162, 298, 366, 847 …
    items = all_items(api, "/api/levels/township/services", role="preliminary-review", page=3)
    assert [i["number"] for i in items] == expected
    levels = get(api, "/api/levels")
    assert {"level": "township", "role": "preliminary-review", "services": 4} in levels
    assert api.get("/api/levels/planet/services").status_code == 422


def test_named_queries_are_listed_with_their_text(api: httpx.Client) -> None:
    listed = get(api, "/api/queries")
    assert {q["name"] for q in listed} == set(nq.load_queries())
    for q in listed:
        response = api.get(q["url"])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-query")
        assert response.text == nq.get(q["name"]).text
    assert api.get("/api/queries/nope.rq").status_code == 404


def test_openapi_documents_stable_snake_case_fields(api: httpx.Client) -> None:
    spec = get(api, "/openapi.json")
    for path in (
        "/api/services",
        "/api/services/{number}",
        "/api/statutes",
        "/api/statutes/{key}",
        "/api/provisions/shared",
        "/api/agencies",
        "/api/levels/{level}/services",
        "/api/queries",
    ):
        assert path in spec["paths"]
    fields = {f for schema in spec["components"]["schemas"].values() for f in schema.get("properties", {})}
    assert {"total", "next_offset", "shared_provisions", "services_resting", "match_rank"} <= fields
    assert all(f == f.lower() and "-" not in f for f in fields)


def test_front_page_links_resolve_and_browsers_get_html(api: httpx.Client) -> None:
    links = api.get("/", headers={"Accept": "application/json"}).json()["links"]
    assert {"/sparql", "/docs", "/api/queries"} <= {link["href"] for link in links}
    for link in links:
        assert api.get(link["href"]).status_code == 200, link["href"]
    page = api.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert '<a href="/api/queries">' in page.text
