"""The status layer through the command line and the server: `currency`, `impact`,
`validate --status`, /api/review, and status files uploaded to a data directory.

Expected values: the issue's table (what happened to which document, from when) and the
seed's citations (item 57 cites 执业医师法 alone; items 24 and 25 cite 信访条例 at lines
508, 510, 527 and 529; items 44-48 cite 电力法 第二十六条, as the README's first answer shows).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import seed_variants as v
from http_server import running, serving

from servicegraph.api.models import Impact
from servicegraph.api.review import check, local_runner
from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.cli import main
from servicegraph.graph.currency import check_graphs
from servicegraph.graph.status import status_layer
from servicegraph.graph.statutes import title_key
from servicegraph.loaders.status import SHIPPED, shipped_status
from servicegraph.store.revisions import open_store

TOKEN = "status-token-51c2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEADER = "document,event,date,replacement,provisions,source\n"
GOOD = HEADER + "《中华人民共和国电力法》,amended,2025-01-01,,第二十六条→第二十八条,written for the test\n"
BAD = HEADER + (
    "《中华人民共和国电力法》,amended,2025-01-01,,,fine\n"
    "《中华人民共和国电力法》,amended,2025-13-01,,,not a date\n"  # line 3
    "《无此法》,repealed,2025-01-01,,,unknown document\n"  # line 4
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- command line ----


def test_currency_exits_1_when_a_service_rests_only_on_repealed_law(seed_path: Path, capsys) -> None:
    assert main(["currency", str(seed_path)]) == 1  # the shipped table: item 57 rests on 执业医师法 alone
    out = capsys.readouterr().out
    assert "8 of the 128 cited documents have a known status" in out
    assert f"{seed_path}:1189: 《中华人民共和国执业医师法》第二十一条: repealed" in out
    assert "item 57 (第57项) 出具诊疗证明 [only repealed law]" in out


def test_currency_with_a_status_file_of_its_own_and_csv_and_json(tmp_path: Path, seed_path: Path, capsys) -> None:
    status = write(tmp_path, "mine.csv", GOOD)
    assert main(["currency", str(seed_path), "--status", str(status), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    flagged = {int(r["number"]) for r in rows if r["status"] == "amended"}
    assert flagged == {44, 45, 46, 47, 48} | {int(r["number"]) for r in rows if r["document"].endswith("电力法")}
    assert {r["status"] for r in rows} == {"amended", "unknown"}
    assert main(["currency", str(seed_path), "--status", str(status), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["documents_with_known_status"] == 1 and doc["read_at"] is None


def test_a_bad_status_file_is_an_error_naming_each_line(tmp_path: Path, seed_path: Path, capsys) -> None:
    bad = write(tmp_path, "bad.csv", BAD)
    assert main(["currency", str(seed_path), "--status", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: " in err and "不是日期" in err and "is not a date" in err
    unknown = write(tmp_path, "unknown.csv", HEADER + "《无此法》,repealed,2025-01-01,,,x\n")
    assert main(["currency", str(seed_path), "--status", str(unknown)]) == 2
    assert f"{unknown}:2: " in capsys.readouterr().err


def test_the_catalogues_date_on_the_command_line(seed_path: Path, capsys) -> None:
    assert main(["currency", str(seed_path), "--catalogue-date", "2022-01-01", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    # amended before that date, so cited as amended: 政府信息公开条例 (2019, item 26), 动物防疫法 (2021, items 28, 38)
    assert doc["read_at"] == "2022-01-01" and doc["services_to_review"] == 10 - 3
    assert main(["currency", str(seed_path), "--catalogue-date", "2022-02-30"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_validate_reports_the_check_as_warnings_at_the_citation_lines(seed_path: Path, capsys) -> None:
    assert main(["validate", str(seed_path), "--status", "--format", "json"]) == 0  # warnings only
    report = json.loads(capsys.readouterr().out)
    flagged = {
        (r["line"], r["severity"])
        for group in report["items"]
        for r in group["results"]
        if r["shape"] == "sgs:CitationCurrency" and r["message"]["en"].startswith("《信访条例》 ")
    }
    assert flagged == {(508, "Warning"), (510, "Warning"), (527, "Warning"), (529, "Warning")}
    assert main(["validate", str(seed_path), "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert not any(r["shape"] == "sgs:CitationCurrency" for g in plain["items"] for r in g["results"])


def test_impact_on_the_command_line_publishes_nothing(tmp_path: Path, seed_path: Path, capsys) -> None:
    facts = write(tmp_path, "next.csv", GOOD)
    assert main(["impact", str(seed_path), str(facts), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["published"] is False and {44, 45, 46, 47, 48} <= set(result["services"])
    assert main(["currency", str(seed_path), "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["status"] for r in rows if r["document"] == "中华人民共和国电力法"} == {"unknown"}


def test_the_check_in_process_answers_as_the_named_query_does(seed_graph) -> None:
    """Two runners of one query (the CLI's and a revision report's, the API's): one answer."""
    layer = status_layer(seed_graph, None, "https://servicegraph.example/")
    in_process = check_graphs([seed_graph, layer])
    assert in_process.to_json() == asyncio.run(check(local_runner([seed_graph, layer]))).to_json()
    assert in_process.documents_known == 8 and 57 in [s.number for s in in_process.only_repealed]


# ---- revision reports ----


def currency_results(report: dict) -> set[tuple[int, str, str]]:
    """(line, severity, document as the message names it) of each currency result."""
    return {
        (r["line"], r["severity"], r["message"]["en"][: r["message"]["en"].index("》") + 1])
        for group in report["items"]
        for r in group["results"]
        if r["shape"] == "sgs:CitationCurrency"
    }


def test_a_revision_added_to_a_store_with_a_status_layer_reports_the_check(
    tmp_path: Path, seed_path: Path, seed_catalogue, capsys
) -> None:
    edited = write(tmp_path, "article.txt", "")
    edited.write_bytes(v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条"))
    with open_store(tmp_path / "data", seed_path) as store:
        assert not currency_results(store.report_json(store.current_id()))  # added before any status file
        store.add_status(shipped_status(), SHIPPED.read_bytes(), cited_only=True)
        outcome = store.add(edited.read_bytes(), "article.txt")
        saved = store.report_json(outcome.meta.id)
    assert outcome.snapshot is not None  # Warnings and Infos do not reject it
    found = currency_results(saved)
    # the seed's citations of 信访条例 (replaced, the shipped table): each a Warning at its line
    petition = {c.line for i in seed_catalogue.items for c in i.citations if title_key(c.title) == "信访条例"}
    assert {(line, severity) for line, severity, doc in found if doc == "《信访条例》"} == {
        (line, "Warning") for line in petition
    }
    power = {c.line for i in seed_catalogue.items for c in i.citations if c.title == "中华人民共和国电力法"}
    assert {(line, "Info", "《中华人民共和国电力法》") for line in power} <= found  # no fact: status unknown
    warnings = sum(r["severity"] == "Warning" for g in saved["items"] for r in g["results"])
    assert outcome.meta.counts["Warning"] == warnings
    # as `servicegraph validate --status` reports the same file
    assert main(["validate", str(edited), "--status", "--format", "json"]) == 0
    assert currency_results(json.loads(capsys.readouterr().out)) == found


# ---- the server ----


def test_the_review_api_on_the_seed_with_the_shipped_table(seed_path: Path) -> None:
    with serving(seed_path, status=()) as client:
        review = client.get("/api/review").json()
        assert review["documents_with_known_status"] == 8
        services = review["services"]["items"]
        numbers = {s["number"] for s in services}
        assert {24, 25, 57, 76} <= numbers and all(s["review"] for s in services)
        assert review["services"]["total"] == review["services_to_review"] == len(services)
        second = client.get("/api/review", params={"limit": 1, "offset": 1}).json()["services"]
        assert [s["number"] for s in second["items"]] == [services[1]["number"]] and second["next_offset"] == 2
        assert 57 in review["services_only_on_repealed_law"] and 24 not in review["services_only_on_repealed_law"]

        item57 = client.get("/api/review/services/57").json()
        assert item57["review"] and item57["only_repealed"] and item57["since"] == "2022-03-01"
        (citation,) = item57["citations"]
        assert citation["status"] == "repealed" and citation["replacement_title"] == "《中华人民共和国医师法》"
        assert client.get("/api/review/services/1").json()["citations"][0]["status"] == "unknown"
        paths = client.get("/openapi.json").json()["paths"]
        assert paths["/api/review/services/{number}"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        assert client.get("/api/review/services/999").status_code == 404

        statute = client.get("/api/review/statutes/信访条例").json()
        assert (statute["status"], statute["since"]) == ("replaced", "2022-05-01")
        assert statute["replacement_title"] == "《信访工作条例》" and len(statute["facts"]) == 1
        services = statute["services"]["items"]
        assert [s["number"] for s in services] == [24, 25]
        # each service with all its citations: item 24 also cites 重庆市信访条例, so not only repealed law
        for service in services:
            alone = client.get(f"/api/review/services/{service['number']}").json()
            assert {k: v for k, v in service.items() if k != "read_at"} == {
                k: v for k, v in alone.items() if k != "read_at"
            }
        assert services[0]["only_repealed"] is False

        csv_fact = client.post("/api/review/impact", content=GOOD, headers={"Content-Type": "text/csv"})
        assert csv_fact.status_code == 200, csv_fact.text
        assert {44, 45, 46, 47, 48} <= set(csv_fact.json()["services"]) and csv_fact.json()["published"] is False
        Impact.model_validate(csv_fact.json())  # the answer is what the OpenAPI says
        json_fact = client.post(
            "/api/review/impact",
            json={"document": "信访条例", "event": "amended", "date": "2030-01-01"},
        )
        assert json_fact.json()["services"] == [24, 25]
        bad = client.post("/api/review/impact", content=BAD, headers={"Content-Type": "text/csv"})
        assert bad.status_code == 422 and [p["line"] for p in bad.json()["problems"]] == [3]
        not_json = client.post("/api/review/impact", content=b"{", headers={"Content-Type": "application/json"})
        assert not_json.status_code == 400
        huge = client.post("/api/review/impact", content=GOOD * 2000, headers={"Content-Type": "text/csv"})
        assert huge.status_code == 413
        # nothing was published
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "unknown"


@contextmanager
def store_server(data_dir: Path, **settings) -> Iterator[httpx.Client]:
    config = Settings(data_dir=data_dir, workers=1, upload_token=TOKEN, **settings)
    with served_app(config) as app, running(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def test_status_uploads_to_a_data_directory_and_revisions_keep_the_layer(tmp_path: Path, seed_path: Path) -> None:
    data = tmp_path / "data"
    with store_server(tmp_path / "empty") as client:
        early = client.post("/api/status-files", content=GOOD, headers=AUTH)
        assert early.status_code == 409 and "add a catalogue first" in early.json()["error"]
    with store_server(data, source=seed_path, status=()) as client:
        assert client.get("/api/review/statutes/信访条例").json()["status"] == "replaced"
        assert [f["source"] for f in client.get("/api/status-files").json()["status_files"]] == ["national.csv"]

        refused = client.post("/api/status-files", params={"name": "bad.csv"}, content=BAD, headers=AUTH)
        assert refused.status_code == 422
        assert {(p["line"], bool(p["message"]["zh"] and p["message"]["en"])) for p in refused.json()["problems"]} == {
            (3, True)
        }
        assert client.post("/api/status-files", content=GOOD).status_code == 401
        # the status served is kept
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "unknown"
        assert client.get("/api/review/statutes/信访条例").json()["status"] == "replaced"

        accepted = client.post("/api/status-files", params={"name": "power.csv"}, content=GOOD, headers=AUTH)
        assert accepted.status_code == 201, accepted.text
        assert client.post("/api/status-files", content=GOOD, headers=AUTH).status_code == 409
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "amended"

        # a new catalogue revision does not overwrite the status layer
        article = v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条")
        assert client.post("/api/revisions", content=article, headers=AUTH).status_code == 201
        assert client.get("/api/review/statutes/信访条例").json()["status"] == "replaced"
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "amended"
    with store_server(data) as client:  # and a restart keeps it
        assert [f["source"] for f in client.get("/api/status-files").json()["status_files"]] == [
            "national.csv",
            "power.csv",
        ]
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "amended"


def test_serve_refuses_a_bad_status_file_before_serving(tmp_path: Path, seed_path: Path, capsys) -> None:
    bad = write(tmp_path, "bad.csv", BAD)
    assert main(["serve", str(seed_path), "--status", str(bad), "--port", "0"]) == 2
    assert f"{bad}:3: " in capsys.readouterr().err


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
