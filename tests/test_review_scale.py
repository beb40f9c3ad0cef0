"""The review lists at scale (issue 13): /api/review and /review read only the services
citing a document a status fact speaks of, never every citation of the catalogue, and give
the whole check's answer a page at a time.

On 4 copies of the seed (bench/catalogues.py's `multiplied`, as tests/test_paging.py) with
the shipped status table, the expected values come from two places: the whole check
(graph/currency.py `check_graphs` over the copies' graph and its status layer: what the
lists answered before they were paged) and, for the citations to review, the records and
the table alone (tests/shipped_review.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import shipped_review as expected
from http_server import serving
from test_paging import COPIES, _multiplied

from servicegraph.api.models import ServiceReview
from servicegraph.api.pages.review import REASON_ORDER
from servicegraph.graph.build import build_graph
from servicegraph.graph.currency import Currency, check_graphs
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.graph.status import status_layer
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue


@pytest.fixture(scope="module")
def copies(seed_path: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("copies") / "copies.txt"
    path.write_bytes(_multiplied(seed_path.read_bytes(), COPIES))
    return path


@pytest.fixture(scope="module")
def catalogue(copies: Path) -> Catalogue:
    return parse_catalogue(copies.read_bytes(), copies.name)


@pytest.fixture(scope="module")
def whole(catalogue: Catalogue) -> Currency:
    graph = build_graph(catalogue)
    return check_graphs([graph, status_layer(graph, None, DEFAULT_BASE)])


@pytest.fixture(scope="module")
def server(copies: Path) -> Iterator[httpx.Client]:
    with serving(copies, status=()) as client:  # the shipped table
        yield client


def _pages(client: httpx.Client, path: str, limit: int, field: str | None = None, **params: str) -> Iterator[dict]:
    """Every page of a paged answer, up to its total."""
    offset = 0
    while True:
        body = client.get(path, params={**params, "limit": limit, "offset": offset}).json()
        yield body
        offset += limit
        if offset >= (body[field] if field else body)["total"]:
            return


def test_the_api_list_is_the_whole_check_a_page_at_a_time(server: httpx.Client, whole: Currency, catalogue) -> None:
    pages = list(_pages(server, "/api/review", 7, "services"))
    assert len(pages) > 2  # several pages of the copies' services
    summary = {k: v for k, v in pages[0].items() if k != "services"}
    assert summary == {k: v for k, v in whole.to_json().items() if k != "services"}
    listed = [item for page in pages for item in page["services"]["items"]]
    assert listed == [ServiceReview.model_validate(s.to_json()).model_dump() for s in whole.services if s.review]
    assert {s["number"] for s in listed} == expected.to_review(catalogue)  # from the records and the table
    assert set(summary["services_only_on_repealed_law"]) == expected.only_repealed(catalogue)


@pytest.mark.parametrize("sort", ["reason", "date", "number"])
def test_the_review_page_lists_each_citation_to_review_in_order(server: httpx.Client, catalogue, sort: str) -> None:
    rows = [r for page in _pages(server, "/review", 9, format="json", sort=sort) for r in page["items"]]
    cited = expected.cited(catalogue)
    order = {
        "reason": lambda c: (REASON_ORDER.index(c.event), c.since, c.number, c.line),
        "date": lambda c: (c.since, c.number, c.line),
        "number": lambda c: (c.number, c.line),
    }[sort]
    assert [(r["number"], r["line"], r["status"], r["since"]) for r in rows] == [
        (c.number, c.line, c.event, c.since.isoformat()) for c in sorted(cited, key=order)
    ]


def test_a_statute_review_pages_its_services_each_checked_whole(server: httpx.Client, whole: Currency) -> None:
    first = server.get("/api/review/statutes/信访条例", params={"limit": 3}).json()
    citing = [s for s in whole.services if any(c.document_title == "信访条例" for c in s.citations)]
    assert first["services"]["total"] == len(citing) == 2 * COPIES  # items 24 and 25 of each copy
    pages = _pages(server, "/api/review/statutes/信访条例", 3, "services")
    items = [i for page in pages for i in page["services"]["items"]]
    assert items == [ServiceReview.model_validate(s.to_json()).model_dump() for s in citing]
    past = server.get("/api/review/statutes/信访条例", params={"offset": 100}).json()
    assert past["services"]["items"] == [] and (past["status"], past["since"]) == ("replaced", "2022-05-01")
    assert server.get("/api/review/statutes/无此法").status_code == 404


def test_no_review_answer_grows_with_the_catalogue(server: httpx.Client, seed_path: Path) -> None:
    with serving(seed_path, status=()) as seed:
        for path, params in (("/api/review", {}), ("/review", {"format": "json"}), ("/review", {})):
            one, four = (client.get(path, params={**params, "limit": 2}) for client in (seed, server))
            assert one.status_code == four.status_code == 200, four.text
            # the summary lists the services resting only on repealed law (3 numbers per copy); the rest is one page
            assert len(four.content) < 1.5 * len(one.content), (path, len(one.content), len(four.content))
