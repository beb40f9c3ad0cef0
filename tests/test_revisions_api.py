"""/api/revisions on a real server: uploads of seed revisions, what becomes current,
reports, diffs, the upload rules, and a server restarted on the same data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import seed_variants as v
from engines import ENGINES, engine_settings
from http_server import running

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.revisions import DirectoryInUse, RevisionStore

B = DEFAULT_BASE
TOKEN = "test-token-7f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
CURRENT = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX cpsv: <http://purl.org/vocab/cpsv#>
SELECT ?rev (COUNT(?s) AS ?n) { ?rev a dcat:Dataset . ?s a cpsv:PublicService } GROUP BY ?rev"""


@contextmanager
def server(data_dir: Path, **settings) -> Iterator[httpx.Client]:
    with (
        served_app(Settings(data_dir=data_dir, workers=1, **settings)) as app,
        running(app) as url,
        httpx.Client(base_url=url, timeout=120) as client,
    ):
        yield client


def _current(client: httpx.Client) -> list[tuple[str, int]]:
    """(revision IRI, services) of the default graph, by SPARQL."""
    rows = client.get("/sparql", params={"query": CURRENT}, headers=SPARQL_JSON).json()["results"]["bindings"]
    return [(r["rev"]["value"], int(r["n"]["value"])) for r in rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_revisions_of_the_seed_over_http(tmp_path: Path, seed_path: Path, seed_catalogue, engine: str) -> None:
    with engine_settings(engine, tmp_path / "engine") as on_engine:
        _revisions_of_the_seed(tmp_path / "data", seed_path, seed_catalogue, on_engine)


def _revisions_of_the_seed(data: Path, seed_path: Path, seed_catalogue, on_engine: dict) -> None:
    with server(data, upload_token=TOKEN, **on_engine) as client:
        assert client.get("/api/revisions").json() == {
            "current": None, "total": 0, "limit": 50, "offset": 0, "next_offset": None, "prev_offset": None,
            "revisions": [],
        }  # fmt: skip
        seed = client.post("/api/revisions", params={"name": "seed.txt"}, content=seed_path.read_bytes(), headers=AUTH)
        assert seed.status_code == 201, seed.text
        seed_id = seed.json()["revision"]["id"]
        assert seed.headers["location"] == f"/api/revisions/{seed_id}"
        assert seed.json()["current"] is True and seed.json()["changes"] is None
        assert _current(client) == [(f"{B}revision/{seed_id}", 98)]

        # an article number changed, sent as a multipart form
        article = v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条")
        answer = client.post("/api/revisions", files={"file": ("article.txt", article)}, headers=AUTH)
        assert answer.status_code == 201, answer.text
        article_id = answer.json()["revision"]["id"]
        assert answer.json()["revision"]["source"] == "article.txt"
        (item,) = answer.json()["changes"]["items"]
        assert item["new_number"] == 8 and [c["label"] for c in item["citations_removed"]] == [
            "《重庆市献血条例》第九条"
        ]
        lost = (Path(__file__).parent.parent / "api" / "queries" / "lost-legal-basis.rq").read_text(encoding="utf-8")
        rows = client.post(
            "/sparql", content=lost.encode(), headers={"Content-Type": "application/sparql-query", **SPARQL_JSON}
        ).json()["results"]["bindings"]
        assert [(r["number"]["value"], r["resource"]["value"]) for r in rows] == [
            ("8", f"{B}legal/重庆市献血条例/art_9")
        ]

        # a broken row, a Violation and a file cut in half: 422, the current graph unchanged
        broken = client.post(
            "/api/revisions",
            params={"name": "broken.txt"},
            content=v.cell_dropped(seed_path, seed_catalogue, 10, "item_type"),
            headers=AUTH,
        )
        assert broken.status_code == 422
        assert broken.json()["file"] == "broken.txt" and broken.json()["line"] > 0
        assert "「事项类型」 (item type) cell" in broken.json()["message"]
        half = client.post(
            "/api/revisions", params={"name": "half.txt"}, content=v.cut_in_half(seed_path), headers=AUTH
        )
        assert half.status_code == 422 and half.json()["file"] == "half.txt"
        violation = client.post(
            "/api/revisions",
            params={"name": "dup.txt"},
            content=v.renumbered(seed_path, seed_catalogue, 12, 11),
            headers=AUTH,
        )
        assert violation.status_code == 422
        body = violation.json()
        assert body["current"] is False and body["revision"]["status"] == "rejected"
        assert body["report"]["counts"]["Violation"] == 2
        results = [r for g in body["report"]["items"] for r in g["results"]]
        assert {(r["item"], r["severity"]) for r in results if r["severity"] == "Violation"} == {(11, "Violation")}
        assert all(r["line"] and r["message"]["zh"] and r["message"]["en"] for r in results if r["item"] == 11)
        assert _current(client) == [(f"{B}revision/{article_id}", 98)]

        # a GBK copy with item 5 removed
        removed = v.item_removed(seed_path, seed_catalogue, 5).decode("utf-8").encode("gbk")
        answer = client.post("/api/revisions", params={"name": "removed-gbk.txt"}, content=removed, headers=AUTH)
        assert answer.status_code == 201, answer.text
        removed_id = answer.json()["revision"]["id"]
        assert answer.json()["revision"]["encoding"] == "gb18030"
        assert _current(client) == [(f"{B}revision/{removed_id}", 97)]
        assert client.get("/api/services", params={"limit": 1000}).json()["total"] == 97
        # the same catalogue again in UTF-8 with CRLF line ends: a duplicate of the GBK one
        crlf = v.item_removed(seed_path, seed_catalogue, 5).replace(b"\n", b"\r\n")
        duplicate = client.post("/api/revisions", params={"name": "removed-crlf.txt"}, content=crlf, headers=AUTH)
        assert duplicate.status_code == 409 and duplicate.json()["revision"]["id"] == removed_id
        assert "same parsed content" in duplicate.json()["error"]

        listing = client.get("/api/revisions").json()
        assert listing["current"] == removed_id
        assert [(m["source"], m["status"]) for m in listing["revisions"]] == [
            ("seed.txt", "accepted"),
            ("article.txt", "accepted"),
            ("dup.txt", "rejected"),
            ("removed-gbk.txt", "accepted"),
        ]

        one = client.get(f"/api/revisions/{body['revision']['id']}").json()
        assert one["current"] is False and one["report"] == body["report"]
        assert client.get("/api/revisions/current").json()["revision"]["id"] == removed_id
        turtle = client.get(f"/api/revisions/{seed_id}/report", headers={"Accept": "text/turtle"})
        assert turtle.headers["content-type"].startswith("text/turtle") and "sh:ValidationReport" in turtle.text

        diff = client.get(f"/api/revisions/{seed_id}/diff/{removed_id}").json()
        assert (diff["summary"]["removed"], diff["summary"]["modified"]) == (1, 0)
        diff = client.get(f"/api/revisions/{article_id}/diff/{removed_id}").json()  # item 8 back to 第九条
        assert (diff["summary"]["removed"], diff["summary"]["modified"]) == (1, 1)
        text = client.get(f"/api/revisions/{seed_id}/diff/{removed_id}", params={"format": "text"}).text
        assert "item 5 (第5项) 一二孩生育证登记: removed (删除)" in text
        assert client.get(f"/api/revisions/{seed_id}/diff/0123456789ab").status_code == 404
        assert client.get("/api/revisions/nothing").status_code == 404

    # restarted on the same directory: every revision is back, the current one serves
    with server(data, **on_engine) as client:
        listing = client.get("/api/revisions").json()
        assert listing["current"] == removed_id and len(listing["revisions"]) == 4
        assert _current(client) == [(f"{B}revision/{removed_id}", 97)]
        graphs = client.get(
            "/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"}, headers=SPARQL_JSON
        ).json()["results"]["bindings"]
        assert {g["g"]["value"] for g in graphs} == {
            f"{B}revision/{seed_id}",
            f"{B}revision/{article_id}",
            f"{B}revision/{removed_id}",
            f"{B}revisions",
            f"{B}changes",
        }
        assert client.get("/api/services", params={"limit": 1000}).json()["total"] == 97
    with RevisionStore(data, read_only=True) as store:  # the restart removed the older generations
        assert store.generations() == [store.current_snapshot().generation]


@pytest.mark.parametrize(
    ("settings", "headers", "status"),
    [
        ({}, AUTH, 403),  # no token configured: uploads disabled
        ({"upload_token": TOKEN}, {}, 401),
        ({"upload_token": TOKEN}, {"Authorization": "Bearer wrong"}, 401),
        ({"upload_token": TOKEN}, {"Authorization": f"Basic {TOKEN}"}, 401),
    ],
)
def test_uploads_need_the_token(tmp_path: Path, seed_path: Path, settings, headers, status) -> None:
    with server(tmp_path / "data", **settings) as client:
        answer = client.post("/api/revisions", content=seed_path.read_bytes(), headers=headers)
        assert answer.status_code == status
        assert client.get("/api/revisions").json()["revisions"] == []  # reads stay open


def test_uploads_are_size_limited(tmp_path: Path, seed_path: Path) -> None:
    data = seed_path.read_bytes()
    with server(tmp_path / "data", upload_token=TOKEN, max_upload_bytes=len(data) - 1) as client:
        assert client.post("/api/revisions", content=data, headers=AUTH).status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
            for at in range(0, len(data), 4096):
                yield data[at : at + 4096]

        assert client.post("/api/revisions", content=chunks(), headers=AUTH).status_code == 413
        assert client.get("/api/revisions").json()["revisions"] == []
    with server(tmp_path / "data", upload_token=TOKEN, max_upload_bytes=len(data)) as client:
        assert client.post("/api/revisions", content=data, headers=AUTH).status_code == 201
        again = client.post("/api/revisions", content=data, headers=AUTH)
        assert again.status_code == 409 and again.json()["revision"]["status"] == "accepted"


def test_a_second_server_on_the_same_directory_is_refused_at_start(tmp_path: Path, seed_path: Path) -> None:
    data = tmp_path / "data"
    with server(data, upload_token=TOKEN) as client:
        refused = pytest.raises(DirectoryInUse, match=f"{data} is in use by another servicegraph process")
        with refused, served_app(Settings(data_dir=data)):
            pass
        command = [sys.executable, "-m", "servicegraph", "serve", "--data-dir", str(data), "--port", "0"]
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert f"error: {data} is in use by another servicegraph process (pid {os.getpid()})" in second.stderr
        assert "Traceback" not in second.stderr
        # the first server still holds the directory and takes uploads
        assert client.post("/api/revisions", content=seed_path.read_bytes(), headers=AUTH).status_code == 201
    with server(data) as client:  # its lock went with it
        assert len(client.get("/api/revisions").json()["revisions"]) == 1
