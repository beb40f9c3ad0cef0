"""Every /api/ answer is paged (issue 13): each GET route under /api takes `limit` (with a
bounded maximum) and `offset`, or is listed in BOUNDED with what bounds it; and no answer
grows with the catalogue beyond its page — the same requests on the seed and on 4 copies of
it (bench/catalogues.py's `multiplied`: every copy numbered and named apart, citing the same
statutes, so every statute is cited by 4× the services) answer about as many bytes.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_server import serving

from servicegraph.api.pages.render import PAGE

BENCH = Path(__file__).resolve().parent.parent / "bench"
COPIES = 4

BOUNDED = {
    "/api/services/{number}": "one item: its own cells, levels and citations",
    "/api/levels": "one row per level and role (4 × 4)",
    "/api/queries": "the .rq files the server ships",
    "/api/queries/{name}": "the text of one .rq file",
    "/api/review/services/{number}": "one item's citations",
    "/api/revisions/{revision_id}": "one revision's metadata and its validation report (a document, kept whole)",
    "/api/revisions/{revision_id}/report": "the validation report, a download",
    "/api/revisions/{old}/diff/{new}": "the change set between two revisions, a download",
    "/api/jobs/{job_id}": "one upload job: its stage and progress, then the upload's answer (a revision report)",
    "/api/status-files": "the status tables uploaded (a few per year, not per item); not paged yet",
}
"""GET routes under /api that take no limit/offset, and why their answer is bounded (or a
whole document by design)."""

PAGED = {  # a request per paged route, its items one page of a list that grows with the catalogue
    "/api/services": {},
    "/api/services/44/related": {},
    "/api/statutes": {"q": "法"},
    "/api/statutes/中华人民共和国电力法": {},
    "/api/statutes/中华人民共和国电力法?provision=art_26": {},
    "/api/provisions/shared": {"min_services": 1},
    "/api/provisions/shared?rollup=true": {"min_services": 1},
    "/api/agencies": {},
    "/api/agencies/乡镇人民政府-街道办事处": {},
    "/api/levels/township/services": {},
    "/api/review": {},
    "/api/review/statutes/信访条例": {},
}


SERVICE_LISTS = ("/api/services", "/api/statutes/", "/api/agencies/", "/api/levels")
LISTS_OF_SERVICES = {p for p in PAGED if p.startswith(SERVICE_LISTS)}


def _multiplied(seed: bytes, times: int) -> bytes:
    spec = importlib.util.spec_from_file_location("catalogues", BENCH / "catalogues.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.multiplied(seed, times)


@pytest.fixture(scope="module")
def seed_server(seed_path: Path, tmp_path_factory) -> Iterator[httpx.Client]:
    data = tmp_path_factory.mktemp("revisions")
    with serving(seed_path, status=(), data_dir=data, upload_token="t") as client:
        yield client


@pytest.fixture(scope="module")
def copies_server(seed_path: Path, tmp_path_factory) -> Iterator[httpx.Client]:
    path = tmp_path_factory.mktemp("copies") / "copies.txt"
    path.write_bytes(_multiplied(seed_path.read_bytes(), COPIES))
    with serving(path, status=()) as client:
        yield client


def test_every_api_route_is_paged_or_bounded(seed_server: httpx.Client) -> None:
    paths = seed_server.get("/openapi.json").json()["paths"]
    routes = {p: ops["get"] for p, ops in paths.items() if p.startswith("/api/") and "get" in ops}
    assert "/api/revisions" in routes and "/api/review" in routes  # the audit sees every router
    for path, op in routes.items():
        params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        if path in BOUNDED:
            assert "limit" not in params, f"{path} is paged: take it out of BOUNDED"
            continue
        assert {"limit", "offset"} <= set(params), f"{path} takes no limit/offset and is not in BOUNDED"
        assert params["limit"]["schema"]["maximum"] <= 1000, path
    assert set(BOUNDED) <= set(routes), "BOUNDED names a route that is gone"


@pytest.mark.parametrize("path", list(PAGED))
def test_a_page_holds_at_most_its_limit(seed_server: httpx.Client, path: str) -> None:
    body = seed_server.get(path, params={**PAGED[path], "limit": 1}).json()
    page = body.get("services", body) if "items" not in body else body
    assert page["limit"] == 1 and len(page["items"]) <= 1 and page["total"] >= len(page["items"])
    if page["total"] > 1:
        assert page["next_offset"] == 1
    served = {c["service"]["iri"] for c in _citations(body)}
    assert served <= {s.get("iri") for s in page["items"]}, "citations of services not on the page"


def test_revisions_are_paged(seed_server: httpx.Client) -> None:
    body = seed_server.get("/api/revisions", params={"limit": 1, "offset": 0}).json()
    assert (body["total"], len(body["revisions"]), body["next_offset"]) == (1, 1, None)
    assert seed_server.get("/api/revisions", params={"limit": 1, "offset": 1}).json()["revisions"] == []


@pytest.mark.parametrize("path", list(PAGED))
def test_no_answer_grows_with_the_catalogue(seed_server: httpx.Client, copies_server: httpx.Client, path: str) -> None:
    params = {**PAGED[path], "limit": 1}  # a full page on both
    one, four = (server.get(path, params=params) for server in (seed_server, copies_server))
    assert one.status_code == four.status_code == 200, four.text
    total = lambda body: body.get("services", body)["total"]  # noqa: E731
    if path in LISTS_OF_SERVICES:  # the copies share the documents, provisions and agencies
        assert total(four.json()) >= COPIES * total(one.json())
    # copies' names end in "·k" and numbers have more digits: a little longer, never 4×
    assert len(four.content) < 1.5 * len(one.content), (len(one.content), len(four.content))


def _citations(body: object) -> Iterator[dict]:
    """Every citation object anywhere in an answer (the statute's tree nests them)."""
    if isinstance(body, dict):
        if isinstance(body.get("service"), dict) and "quote" in body:  # a statute's ProvisionCitation
            yield body
        for value in body.values():
            yield from _citations(value)
    elif isinstance(body, list):
        for value in body:
            yield from _citations(value)


def test_pages_show_the_first_page_and_link_the_next_in_chinese(copies_server: httpx.Client) -> None:
    browser = {"Accept": "text/html"}
    path = "/agencies/乡镇人民政府-街道办事处"
    total = copies_server.get(f"/api{path}", params={"limit": 1}).json()["services"]["total"]
    assert total > PAGE  # the township office carries more than a page of the copies' services
    first = copies_server.get(path, headers=browser).text
    assert f"第 1–{PAGE} 项，共 {total} 项" in first and "下一页" in first and 'rel="prev"' not in first
    (next_href,) = re.findall(r'<a rel="next" href="([^"]+)"', first)
    second = copies_server.get(next_href.replace("&amp;", "&"), headers=browser).text
    assert f"第 {PAGE + 1}–" in second and 'rel="prev"' in second
