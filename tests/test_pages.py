"""The pages and exports over HTTP (httpx), against a server on the seed catalogue: CSV
from every /api/ list, each page's data as JSON, errors as a page for browsers, /sparql
for browsers and machines, offline docs and the ontology at its IRI.

Expected values come from the API's own JSON answers (tested in test_api.py), the
loader's records of the seed, or the files shipped in the package.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from http_server import serving
from rdflib import Graph
from rdflib.compare import isomorphic

from servicegraph.api.pages.render import PAGE
from servicegraph.graph.build import ONTOLOGY

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STATIC = Path(__file__).resolve().parent.parent / "api" / "static"
LISTS = (
    "/api/services", "/api/services?q=用电", "/api/services/44/related", "/api/statutes?q=电力法",
    "/api/agencies", "/api/agencies?q=供电", "/api/provisions/shared?rollup=true", "/api/levels",
    "/api/levels/township/services?role=preliminary-review", "/api/queries",
)  # fmt: skip


@pytest.fixture(scope="module")
def server(seed_path: Path) -> Iterator[httpx.Client]:
    with serving(seed_path) as client:
        yield client


def table(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode()), "CSV for a spreadsheet starts with a BOM"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def items_of(doc: object) -> list[dict]:
    if isinstance(doc, list):
        return doc
    assert isinstance(doc, dict)
    return doc["items"]


@pytest.mark.parametrize("path", LISTS)
def test_every_api_list_answers_csv_by_format_and_by_accept(server: httpx.Client, path: str) -> None:
    items = items_of(server.get(path).json())
    assert items, path
    by_format = table(server.get(httpx.URL(path).copy_merge_params({"format": "csv"})))
    by_accept = table(server.get(path, headers={"Accept": "text/csv"}))
    assert by_format == by_accept
    assert len(by_format) == len(items)
    for row, item in zip(by_format, items, strict=True):
        for field, value in item.items():
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                assert row[field] == str(value), (path, field)


def test_nested_fields_become_columns(server: httpx.Client) -> None:
    rows = table(server.get("/api/provisions/shared", params={"rollup": "true", "format": "csv"}))
    art26 = next(r for r in rows if r["iri"].endswith("中华人民共和国电力法/art_26"))
    assert art26["document_title"] == "中华人民共和国电力法"
    assert (art26["services"], art26["path"]) == ("5", "art_26")  # items 44–48 (README)


def test_an_unknown_format_is_refused_and_json_stays_the_default(server: httpx.Client) -> None:
    assert server.get("/api/services", params={"format": "xml"}).status_code == 422
    assert server.get("/api/services").headers["content-type"].startswith("application/json")
    detail = server.get("/api/services/44", params={"format": "csv"})  # one service is no table
    assert detail.headers["content-type"].startswith("application/json")


def test_openapi_says_which_answers_come_as_csv(server: httpx.Client) -> None:
    paths = server.get("/openapi.json").json()["paths"]
    csv_paths = {
        p
        for p, ops in paths.items()
        if "text/csv" in ops.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
    }
    concrete = {p.replace("{number}", "44").replace("{level}", "township") for p in csv_paths}
    assert {path.split("?")[0] for path in LISTS} <= concrete
    assert "/api/services/{number}" not in csv_paths
    assert "/api/statutes/{key}" in csv_paths  # its page of services, as an agency's


def test_search_finds_statutes_services_and_agencies(server: httpx.Client, seed_catalogue) -> None:
    found = server.get("/search", params={"q": "渝办发[2011]293号", "format": "json"}).json()
    assert [s["key"] for s in found["statutes"]["items"]] == ["渝办发-2011-293"]
    by_number = server.get("/search", params={"q": "44", "format": "json"}).json()
    assert by_number["services"]["items"][0]["number"] == 44
    agencies = {a for i in seed_catalogue.items for a in i.agencies if "供电" in a}
    by_name = server.get("/search", params={"q": "供电", "format": "json"}).json()
    assert {a["name"] for a in by_name["agencies"]["items"]} == agencies
    page = server.get("/search", params={"q": "电力法"}, headers=BROWSER)
    assert f'href="/statutes/{quote("中华人民共和国电力法")}"' in page.text
    downloads = re.findall(r'href="(/search\?[^"]+)"', page.text)  # the CSV and JSON links keep the query
    assert {httpx.URL(h.replace("&amp;", "&")).params["q"] for h in downloads} == {"电力法"} and len(downloads) == 2


def test_pages_give_the_api_data_as_json(server: httpx.Client) -> None:
    key = "中华人民共和国电力法"
    api = server.get(f"/api/statutes/{key}", params={"limit": PAGE}).json()
    assert server.get(f"/statutes/{key}?format=json").json() == api
    service = server.get("/services/44", headers={"Accept": "application/json"}).json()
    assert service["service"] == server.get("/api/services/44").json()
    assert service["lines"][0] < service["lines"][1]


def test_page_tables_download_as_csv(server: httpx.Client, seed_catalogue) -> None:
    names = {i.number: i.name for i in seed_catalogue.items}
    rows = table(server.get("/services", params={"format": "csv"}))
    assert {int(r["序号 number"]): r["事项名称 name"] for r in rows} == names
    cells = table(server.get("/services/44", params={"format": "csv"}))
    assert [r["列 column"] for r in cells][:2] == ["序号", "事项名称"]
    assert cells[1]["内容 value"] == names[44]


def test_a_browser_gets_an_error_page_and_a_machine_json(server: httpx.Client) -> None:
    page = server.get("/no/such/page", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "找不到页面" in page.text
    for accept in ("*/*", "application/json"):
        answer = server.get("/no/such/page", headers={"Accept": accept})
        assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
    assert server.get("/services/999", headers=BROWSER).status_code == 404
    assert server.get("/revisions", headers=BROWSER).status_code == 404  # no --data-dir


def test_sparql_is_a_page_for_browsers_and_the_protocol_for_machines(server: httpx.Client) -> None:
    page = server.get("/sparql", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    assert '/static/yasgui-4.6.2/yasgui.min.js"' in page.text
    assert server.get("/sparql").headers["content-type"].startswith("text/turtle")  # the service description
    query = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?name WHERE { ?a skos:prefLabel ?name } LIMIT 3"
    as_page = server.get("/sparql", params={"query": query, "format": "html"})
    assert as_page.headers["content-type"].startswith("text/html") and as_page.text.count("<tr>") == 4
    as_json = server.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    names = [b["name"]["value"] for b in as_json.json()["results"]["bindings"]]
    assert [r["name"] for r in table(server.get("/sparql/table.csv", params={"query": query}))] == names


def test_docs_and_pages_load_nothing_from_another_host(server: httpx.Client) -> None:
    for path in ("/docs", "/redoc", "/", "/sparql", "/statutes/中华人民共和国电力法"):
        text = server.get(path, headers=BROWSER).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', text) + re.findall(r"(?:url|Url)['\"]?:\s*['\"]([^'\"]+)", text)
        assets = [s for s in sources if s.startswith("/static/")]
        assert not [s for s in sources if re.match(r"(https?:)?//", s) and "servicegraph.example" not in s], path
        for asset in assets:
            assert server.get(asset).status_code == 200, asset


def test_every_vendored_package_ships_with_its_licence() -> None:
    for folder in STATIC.iterdir():
        if folder.is_dir():
            assert {"LICENSE", "OFL.txt"} & {p.name for p in folder.iterdir()}, folder.name
    sums = (STATIC / "SHA256SUMS").read_text().split()
    assert all((STATIC / name).is_file() for name in sums[1::2])


def test_the_ontology_is_served_at_its_iri(server: httpx.Client) -> None:
    turtle = server.get("/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle")
    shipped = Graph().parse(data=ONTOLOGY.read_text(encoding="utf-8"), format="turtle")
    assert isomorphic(Graph().parse(data=turtle.text, format="turtle"), shipped)
    jsonld = server.get("/ontology", params={"format": "jsonld"})
    assert isomorphic(Graph().parse(data=jsonld.text, format="json-ld"), shipped)
    page = server.get("/ontology", headers=BROWSER)
    assert 'id="Citation"' in page.text and "法律依据引用" in page.text
