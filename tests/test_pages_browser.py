"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against a
server these tests start on 127.0.0.1 (a data directory with two revisions of the seed,
and the shipped statute status table added between them).

Every request the browser makes is recorded and must stay on 127.0.0.1. Every page is
saved as a 1280×800 screenshot under artifacts/screenshots/ (CI keeps that folder).
Expected values come from the loader's records of the seed (`seed_catalogue`) and the
shipped status table (tests/shipped_review.py), never from the pages under test.
Chromium comes from `apt-get install chromium` (.ci/run); `playwright install` is never used.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import seed_variants as v
import shipped_review
from http_server import running

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.loaders.status import SHIPPED, shipped_status
from servicegraph.store.revisions import open_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT = 30_000  # ms Playwright waits for an element or a navigation


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Iterator[str]:
    """The server's URL: the seed, the shipped status table, then the seed with
    《重庆市献血条例》第九条 cited as 第十条 (its report has the currency check)."""
    data = tmp_path_factory.mktemp("pages") / "data"
    edited = v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条")
    with open_store(data, seed_path) as store:  # released before the server takes the directory
        store.add_status(shipped_status(), SHIPPED.read_bytes(), cited_only=True)
        assert store.add(edited, "article.txt").snapshot is not None
    with served_app(Settings(data_dir=data, workers=1)) as app, running(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    playwright_api = pytest.importorskip("playwright.sync_api")
    assert CHROMIUM.exists(), "install Debian's chromium: apt-get install -y chromium chromium-driver (.ci/run)"
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A browser page on the site that records every request it makes."""

    def __init__(self, browser, site: str) -> None:
        self.site = site
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))

    def go(self, path: str) -> None:
        self.page.goto(self.site + path)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("document.fonts.ready")
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def foreign(self) -> list[str]:
        """Every request that left 127.0.0.1 (blob: and data: URLs never leave the page)."""
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname != "127.0.0.1"]  # fmt: skip


@pytest.fixture
def tab(browser, site: str) -> Iterator[Tab]:
    t = Tab(browser, site)
    yield t
    t.context.close()
    assert t.requests, "the browser recorded no request at all"
    assert t.foreign() == [], t.foreign()


def test_search_electricity_law_to_article_26_and_its_items(tab: Tab, seed_catalogue) -> None:
    expected = {i.number: i for i in seed_catalogue.items if i.number in range(44, 49)}
    tab.go("/")
    assert tab.page.evaluate("document.fonts.check(\"16px 'Noto Sans SC subset'\", '电力法')")
    tab.page.locator(".hero input[name=q]").press_sequentially("电力法", delay=50)
    suggestion = tab.page.locator(".hero ul.suggest a", has_text="中华人民共和国电力法")
    suggestion.wait_for()
    tab.shot("home-suggestions")
    suggestion.click()
    tab.page.wait_for_url(re.compile(r"/statutes/"))
    assert tab.page.locator("h1").inner_text() == "中华人民共和国电力法"
    tab.shot("statute")
    tab.page.locator(".tree a", has_text="第二十六条").first.click()
    tab.page.wait_for_url(re.compile(r"/art_26$"))
    text = tab.page.locator("main").inner_text()
    for number, item in expected.items():
        assert f"{number}. {item.name}" in text
        for agency in item.agencies:
            assert agency in text, (number, agency)
    tab.shot("provision")


def test_results_page_works_without_javascript(browser, site: str) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.locator(".hero input[name=q]").fill("电力法")
    page.locator(".hero button").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("main a", has_text="中华人民共和国电力法").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-results.png"))
    context.close()


def test_a_service_page_links_its_citation_back_to_the_provision(tab: Tab, seed_catalogue) -> None:
    item = next(i for i in seed_catalogue.items if i.number == 44)
    assert item.citations[0].title == "中华人民共和国电力法"  # the citation the test follows back
    tab.go("/services/44")
    assert tab.page.locator("h1").inner_text() == f"44. {item.name}"
    tab.shot("service")
    tab.page.locator("a.citation", has_text="第二十六条").click()
    tab.page.wait_for_url(re.compile(r"/statutes/.+/art_26$"))
    assert tab.page.locator("h1").inner_text() == "《中华人民共和国电力法》第二十六条"


def test_a_named_query_runs_on_the_sparql_page_and_shows_a_table(tab: Tab, seed_catalogue) -> None:
    agencies = {a for i in seed_catalogue.items for a in i.agencies}
    tab.go("/sparql")
    tab.page.locator("a[data-example=agencies]").click()
    tab.page.locator(".yasqe_queryButton").click()
    cells = tab.page.locator(".yasr table tbody td")
    cells.first.wait_for()
    # YASR writes a literal as "text"@zh or "text"^^<datatype>
    shown = {re.sub(r'^"(.*)"(@[\w-]+|\^\^<[^>]*>)?$', r"\1", t.strip()) for t in cells.all_inner_texts()}
    assert agencies & shown, "no agency of the seed in the results table"
    tab.shot("sparql")
    with tab.page.expect_download() as download:
        tab.page.locator("#csv").click()
    rows = _csv(Path(download.value.path()).read_bytes())
    assert rows[0][:2] == ["agency", "name"]
    assert {r[1] for r in rows[1:]} == agencies


def test_a_downloaded_csv_keeps_the_chinese(tab: Tab, seed_catalogue) -> None:
    expected = {i.number: i.name for i in seed_catalogue.items if i.number in range(44, 49)}
    tab.go("/statutes/中华人民共和国电力法")
    with tab.page.expect_download() as download:
        tab.page.locator("footer a", has_text="下载 CSV").click()
    rows = _csv(Path(download.value.path()).read_bytes())
    header, body = rows[0], rows[1:]
    assert header[:3] == ["条款 provision", "序号 item", "事项名称 service"]
    assert {int(r[1]): r[2] for r in body} == expected


def test_the_review_list_and_the_badges_it_leads_to(tab: Tab, seed_catalogue) -> None:
    flagged, only = shipped_review.to_review(seed_catalogue), shipped_review.only_repealed(seed_catalogue)
    tab.go("/")
    tab.page.locator("header nav a", has_text="需复核").click()
    tab.page.wait_for_url(re.compile(r"/review$"))
    assert tab.page.evaluate("document.fonts.check(\"16px 'Noto Sans SC subset'\", '需复核的事项')")
    services = tab.page.locator("table.review tbody td:nth-child(3) > a").all_inner_texts()
    assert {int(t.split(".")[0]) for t in services} == flagged
    tab.shot("review")
    with tab.page.expect_download() as download:
        tab.page.locator("footer a", has_text="下载 CSV").click()
    rows = _csv(Path(download.value.path()).read_bytes())
    names = {i.number: i.name for i in seed_catalogue.items}
    number, name = rows[0].index("序号 item"), rows[0].index("事项名称 service")
    assert {(int(r[number]), r[name]) for r in rows[1:]} == {(n, names[n]) for n in flagged}

    item = min(only)
    tab.page.locator("table.review a", has_text=f"{item}. {names[item]}").first.click()
    tab.page.wait_for_url(re.compile(rf"/services/{item}$"))
    box = tab.page.locator("#review")
    assert box.locator(".badge.review").count() == 1 and "仅依据已废止或被替代的法规" in box.inner_text()
    tab.shot("service-review")
    partly = min(flagged - only)
    tab.go(f"/services/{partly}")
    assert box.locator(".badge.review").count() == 1 and "仅依据已废止或被替代的法规" not in box.inner_text()
    unflagged = next(i.number for i in seed_catalogue.items if i.citations and i.number not in flagged)
    tab.go(f"/services/{unflagged}")
    assert box.locator(".badge.review").count() == 0 and "状态未知" in box.inner_text()


def test_a_replaced_statutes_page_marks_the_services_resting_on_it(tab: Tab, seed_catalogue) -> None:
    replaced = [c for c in shipped_review.cited(seed_catalogue) if c.event == "replaced"]
    title = replaced[0].title
    tab.go("/review")
    tab.page.locator("table.review a", has_text=f"《{title}》").first.click()
    tab.page.wait_for_url(re.compile(r"/statutes/"))
    status = tab.page.locator("#status").inner_text()
    assert "被替代" in status and replaced[0].since.isoformat() in status and f"《{replaced[0].replacement}》" in status
    assert tab.page.locator(".tree .badge.review").count() == sum(c.title == title for c in replaced)
    tab.shot("statute-review")


def test_revisions_page_a_report_and_a_diff(tab: Tab) -> None:
    tab.go("/revisions")
    rows = tab.page.locator("main tbody tr")
    assert rows.count() == 2
    tab.shot("revisions")
    tab.page.locator("main tbody tr a").first.click()
    tab.page.wait_for_url(re.compile(r"/revisions/[0-9a-f]{12}$"))
    tab.shot("revision-report")
    tab.go("/revisions")
    tab.page.locator("form[action='/revisions/diff'] button").click()
    tab.page.wait_for_url(re.compile(r"/diff/"))
    text = tab.page.locator("main").inner_text()
    assert "《重庆市献血条例》第九条" in text and "《重庆市献血条例》第十条" in text
    tab.shot("diff")


def test_the_revisions_list_answers_csv(site: str) -> None:
    listing = httpx.get(f"{site}/api/revisions").json()
    rows = _csv(httpx.get(f"{site}/api/revisions", params={"format": "csv"}).content)
    assert [r[rows[0].index("id")] for r in rows[1:]] == [r["id"] for r in listing["revisions"]]
    assert [r[rows[0].index("title")] for r in rows[1:]] == [r["title"] for r in listing["revisions"]]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("services", "/services"),
        ("agencies", "/agencies"),
        ("agency", "/agencies/国网重庆市电力公司"),
        ("levels", "/levels"),
        ("level-township", "/levels/township"),
        ("shared", "/shared"),
        ("impact-pick", "/impact?q=电力"),
        ("impact", "/impact?target=中华人民共和国电力法"),
        ("ontology", "/ontology"),
        ("docs", "/docs"),
        ("redoc", "/redoc"),
        ("not-found", "/no/such/page"),
    ],
)
def test_every_other_page_renders_from_this_server_only(tab: Tab, name: str, path: str) -> None:
    tab.go(path)
    if name == "docs":
        tab.page.locator(".swagger-ui .opblock").first.wait_for()
    elif name == "redoc":
        tab.page.locator("h1").first.wait_for()
    else:
        assert tab.page.evaluate("document.fonts.check(\"16px 'Noto Sans SC subset'\", '事项')")
        assert tab.page.locator("h1").inner_text().strip()
    tab.shot(name)


def _csv(data: bytes) -> list[list[str]]:
    """A downloaded CSV: UTF-8 with a byte-order mark, so a spreadsheet reads Chinese right."""
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
