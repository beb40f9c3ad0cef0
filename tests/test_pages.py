"""The pages and exports over HTTP (httpx), against a server on the seed catalogue: CSV
from every /api/ list, each page's data as JSON, errors as a page for browsers, /sparql
for browsers and machines, offline docs and the ontology at its IRI.

Expected values come from the API's own JSON answers (tested in test_api.py), the
loader's records of the seed, or the files shipped in the package (what the shipped
status table says of the seed: tests/shipped_review.py).
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
import shipped_review
from http_server import serving
from rdflib import Graph
from rdflib.compare import isomorphic

from servicegraph.api.pages.render import PAGE
from servicegraph.graph.build import ONTOLOGY
from servicegraph.loaders.status import SHIPPED

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
    statute = server.get(f"/statutes/{key}?format=json").json()
    assert statute["statute"] == server.get(f"/api/statutes/{key}", params={"limit": PAGE}).json()
    assert statute["review"] == server.get(f"/api/review/statutes/{key}", params={"limit": PAGE}).json()
    service = server.get("/services/44", headers={"Accept": "application/json"}).json()
    assert service["service"] == server.get("/api/services/44").json()
    assert service["review"] == server.get("/api/review/services/44").json()
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


# ---- statute status: 需复核 badges and the review list (the shipped status table) ----

BADGE = 'class="badge review"'


@pytest.fixture(scope="module")
def reviewed(seed_path: Path) -> Iterator[httpx.Client]:
    with serving(seed_path, status=()) as client:
        yield client


def test_the_badge_is_on_exactly_the_services_the_shipped_table_touches(reviewed: httpx.Client, seed_catalogue) -> None:
    flagged, only = shipped_review.to_review(seed_catalogue), shipped_review.only_repealed(seed_catalogue)
    assert flagged and only < flagged
    for item in seed_catalogue.items:
        page = reviewed.get(f"/services/{item.number}", headers=BROWSER).text
        assert (BADGE in page) == (item.number in flagged), item.number
        assert ("仅依据已废止或被替代的法规" in page) == (item.number in only), item.number
        # without a fact in force, no page says the basis is in force
        assert "仍有现行有效的依据" not in page and "所依据的法规均现行有效" not in page
    repealed = {c.number: c for c in shipped_review.cited(seed_catalogue) if c.event == "repealed"}
    number, fact = min(repealed.items())
    page = reviewed.get(f"/services/{number}", headers=BROWSER).text
    # the reason, in Chinese, as the issue words it
    assert f"所依据的《{fact.title}》已于{fact.since.isoformat()}废止，由《{fact.replacement}》替代" in page
    unknown = next(i.number for i in seed_catalogue.items if i.citations and i.number not in flagged)
    assert "所依据的法规状态未知" in reviewed.get(f"/services/{unknown}", headers=BROWSER).text


def test_a_service_with_a_basis_still_unrepealed_is_told_apart(reviewed: httpx.Client, seed_catalogue) -> None:
    partly = min(shipped_review.to_review(seed_catalogue) - shipped_review.only_repealed(seed_catalogue))
    page = reviewed.get(f"/services/{partly}", headers={"Accept": "application/json"}).json()
    assert page["review"]["review"] and not page["review"]["only_repealed"]
    assert page["standing"] in ("basis-in-force", "rest-amended", "rest-unknown")
    cells = table(reviewed.get(f"/services/{partly}", params={"format": "csv"}))
    assert cells[-1]["列 column"] == "需复核 to review" and cells[-1]["内容 value"].startswith("是：")


def test_the_statute_page_shows_its_status_and_marks_its_services(reviewed: httpx.Client, seed_catalogue) -> None:
    facts = shipped_review.cited(seed_catalogue)
    replaced = next(c for c in facts if c.event == "replaced")
    citing = [c for c in facts if c.title == replaced.title]
    key = reviewed.get("/api/statutes", params={"q": replaced.title}).json()["items"][0]["key"]
    data = reviewed.get(f"/statutes/{key}", params={"format": "json"}).json()["review"]
    assert (data["status"], data["since"]) == ("replaced", replaced.since.isoformat())
    assert data["replacement_title"].startswith(f"《{replaced.replacement}》") and data["source"]
    services = data["services"]["items"]
    assert {s["number"] for s in services} == {c.number for c in citing}
    only = shipped_review.only_repealed(seed_catalogue)
    assert {s["number"]: s["only_repealed"] for s in services} == {c.number: c.number in only for c in citing}
    page = reviewed.get(f"/statutes/{quote(key)}", headers=BROWSER).text
    # one badge in the status box, one by each citing service under its provision
    assert page.count(BADGE) == 1 + len(citing)
    unknown = reviewed.get(f"/statutes/{quote('中华人民共和国电力法')}", headers=BROWSER).text
    assert BADGE not in unknown and "状态未知" in unknown and "status-in-force" not in unknown


def test_the_review_list_lists_them_grouped_sorted_and_paged(reviewed: httpx.Client, seed_catalogue) -> None:
    facts = shipped_review.cited(seed_catalogue)
    listed = reviewed.get("/review", params={"format": "json"}).json()
    assert {(r["number"], r["line"]) for r in listed["items"]} == {(c.number, c.line) for c in facts}
    assert listed["total"] == len(facts) and listed["sort"] == "reason"
    order = ("repealed", "replaced", "amended")
    assert [r["status"] for r in listed["items"]] == sorted((r["status"] for r in listed["items"]), key=order.index)
    by_date = reviewed.get("/review", params={"format": "json", "sort": "date"}).json()["items"]
    assert [r["since"] for r in by_date] == sorted(c.since.isoformat() for c in facts)
    page = reviewed.get("/review", params={"format": "json", "sort": "date", "limit": 5, "offset": 5}).json()
    assert page["items"] == by_date[5:10] and page["total"] == len(facts)
    agencies = {i.number: set(i.agencies) for i in seed_catalogue.items}
    assert all(set(r["agencies"]) == agencies[r["number"]] for r in listed["items"])
    assert reviewed.get("/review", params={"sort": "nonsense"}).status_code == 422
    html = reviewed.get("/review", headers=BROWSER).text
    assert all(f'href="/services/{n}"' in html for n in shipped_review.to_review(seed_catalogue))
    assert 'href="/review"' in reviewed.get("/", headers=BROWSER).text  # linked from the home page


def test_the_review_list_downloads_as_csv_with_the_chinese_intact(reviewed: httpx.Client, seed_catalogue) -> None:
    names = {i.number: i.name for i in seed_catalogue.items}
    rows = table(reviewed.get("/review", params={"format": "csv"}))
    facts = shipped_review.cited(seed_catalogue)
    assert sorted((int(r["序号 item"]), r["事项名称 service"]) for r in rows) == sorted(
        (c.number, names[c.number]) for c in facts
    )
    assert {r["依据法规 statute"] for r in rows} == {c.title for c in facts}
    assert {r["原因 reason"] for r in rows} == {"废止", "被替代", "修订"}  # the ontology's words for the events


def test_a_service_still_resting_on_law_in_force_says_so(tmp_path: Path, seed_path: Path, seed_catalogue) -> None:
    """A status file written for the test confirms 重庆市信访条例 in force; item 24 cites it
    beside 信访条例 (replaced, the shipped table)."""
    confirmed = tmp_path / "confirmed.csv"
    header = "document,event,date,replacement,provisions,source\n"
    confirmed.write_text(header + "《重庆市信访条例》,in-force,2024-01-01,,,written for the test\n", encoding="utf-8")
    item = next(i for i in seed_catalogue.items if {c.title for c in i.citations} == {"信访条例", "重庆市信访条例"})
    shipped = Path(str(SHIPPED))
    with serving(seed_path, status=(shipped, confirmed)) as client:
        page = client.get(f"/services/{item.number}", headers=BROWSER).text
        data = client.get(f"/services/{item.number}", params={"format": "json"}).json()
    assert BADGE in page and "仍有现行有效的依据" in page and "仅依据已废止或被替代的法规" not in page
    assert data["standing"] == "basis-in-force"
    assert {c["document_title"]: c["status"] for c in data["review"]["citations"]} == {
        "信访条例": "replaced",
        "重庆市信访条例": "in-force",
    }
    assert page.count('class="status status-in-force"') == 1  # the citation of 重庆市信访条例


def test_without_a_status_layer_nothing_is_flagged_and_nothing_is_in_force(server: httpx.Client) -> None:
    listed = server.get("/review", params={"format": "json"}).json()
    assert listed["items"] == [] and listed["documents_with_known_status"] == 0
    page = server.get("/services/57", headers=BROWSER).text
    assert BADGE not in page and "所依据的法规状态未知" in page
