"""Revisions published while other threads query /sparql and /api/ in a loop.

A real server (uvicorn on 127.0.0.1, as `serve --data-dir` runs it: the worker pool, or
an Oxigraph server, behind the results cache). Each revision drops one more item of the seed, so every
answer tells which revision it came from; an answer must match exactly one revision
(never a mix), no request may fail, and no thread may see an older revision after a
newer one. Loops are bounded in count and time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import seed_variants as v
from engines import ENGINES, engine_settings
from http_server import running
from waiting import wait_until

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.store import limits
from servicegraph.store.revisions import RevisionStore

TOKEN = "concurrency-token"
REMOVED = (5, 20, 40, 60)  # revision k drops the first k of these
MAX_REQUESTS = 3000
DEADLINE = 300.0  # seconds
READS_PER_REVISION = 4  # answers each reader gets from a revision before the next is published
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
TITLES = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX cpsv: <http://purl.org/vocab/cpsv#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?rev ?title { ?rev a dcat:Dataset . ?s a cpsv:PublicService ; dct:title ?title }"""
COUNT = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX cpsv: <http://purl.org/vocab/cpsv#>
SELECT ?rev (COUNT(?s) AS ?n) { ?rev a dcat:Dataset . ?s a cpsv:PublicService } GROUP BY ?rev"""


@dataclass
class Reader:
    """One thread's loop over the endpoints; what it saw and what went wrong."""

    url: str
    titles: list[frozenset[str]]  # by revision index
    iris: list[str]
    stop: threading.Event
    seen: list[int] = field(default_factory=list)  # revision index of every answer, in order
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def revision_of_titles(self, titles: set[str], where: str) -> int | None:
        matches = [k for k, expected in enumerate(self.titles) if expected == titles]
        if len(matches) != 1:
            self.failures.append(f"{where}: {len(titles)} titles match no single revision")
            return None
        return matches[0]

    def check_sparql(self, client: httpx.Client) -> None:
        rows = self.get(client, "/sparql", {"query": COUNT}, SPARQL_JSON)["results"]["bindings"]
        (row,) = rows
        k = self.iris.index(row["rev"]["value"])
        if int(row["n"]["value"]) != len(self.titles[k]):
            self.failures.append(f"/sparql count: {row['n']['value']} services in revision {k}")
        self.seen.append(k)
        rows = self.get(client, "/sparql", {"query": TITLES}, SPARQL_JSON)["results"]["bindings"]
        revisions_seen = {r["rev"]["value"] for r in rows}
        if len(revisions_seen) != 1:
            self.failures.append(f"/sparql titles: {len(revisions_seen)} revisions in one default graph")
            return
        k = self.revision_of_titles({r["title"]["value"] for r in rows}, "/sparql titles")
        if k is not None and self.iris[k] != revisions_seen.pop():
            self.failures.append("/sparql titles: the revision IRI and the services disagree")
        if k is not None:
            self.seen.append(k)

    def check_api(self, client: httpx.Client) -> None:
        page = self.get(client, "/api/services", {"limit": 1000}, {})
        if page["total"] != len(page["items"]):
            self.failures.append(f"/api/services: total {page['total']} but {len(page['items'])} items")
        k = self.revision_of_titles({s["title"] for s in page["items"]}, "/api/services")
        if k is not None:
            self.seen.append(k)
        listing = self.get(client, "/api/revisions", {}, {})
        if listing["current"] is None:
            self.failures.append("/api/revisions: no current revision")

    def get(self, client: httpx.Client, path: str, params: dict, headers: dict) -> dict:
        self.requests += 1
        answer = client.get(path, params=params, headers=headers)
        if answer.status_code != 200:
            self.failures.append(f"{path}: {answer.status_code} {answer.text[:200]}")
            raise _Failed
        return answer.json()

    def run(self) -> None:
        deadline = time.monotonic() + DEADLINE
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while not self.stop.is_set() and self.requests < MAX_REQUESTS and time.monotonic() < deadline:
                try:
                    self.check_sparql(client)
                    self.check_api(client)
                except _Failed:
                    pass
                except Exception as exc:  # a dropped connection, a malformed answer
                    self.failures.append(f"{type(exc).__name__}: {exc}")


class _Failed(Exception):
    pass


def all_read(readers: list[Reader], k: int) -> bool:
    """Whether every reader has READS_PER_REVISION answers from revision `k` (or a failure)."""
    return all(r.failures or r.seen.count(k) >= READS_PER_REVISION for r in readers)


@pytest.mark.parametrize("engine", ENGINES)
def test_readers_see_one_whole_revision_while_revisions_are_published(
    tmp_path: Path, seed_path: Path, seed_catalogue, engine: str
) -> None:
    uploads = [v.items_removed(seed_path, seed_catalogue, set(REMOVED[:k])) for k in range(1, len(REMOVED) + 1)]
    catalogues = [seed_catalogue] + [parse_catalogue(data, f"rev{k}.txt") for k, data in enumerate(uploads, 1)]
    titles = [frozenset(i.name for i in c.items) for c in catalogues]
    assert len(set(titles)) == len(titles) and len({len(t) for t in titles}) == len(titles)
    iris = [f"{DEFAULT_BASE}revision/{c.sha256[:12]}" for c in catalogues]

    with RevisionStore(tmp_path / "data") as store:  # closed: the server takes the directory's lock
        store.add(seed_path.read_bytes(), "seed.txt")
    with engine_settings(engine, tmp_path / "engine") as on_engine:
        settings = Settings(
            data_dir=tmp_path / "data", upload_token=TOKEN, timeout=1.0, workers=2, cache_bytes=limits.CACHE_BYTES,
            **on_engine,
        )  # fmt: skip
        _read_while_publishing(settings, uploads, titles, iris)


def _read_while_publishing(settings: Settings, uploads: list[bytes], titles: list, iris: list[str]) -> None:
    with served_app(settings) as app, running(app) as url:
        stop = threading.Event()
        readers = [Reader(url, titles, iris, stop) for _ in range(3)]
        threads = [threading.Thread(target=r.run, daemon=True) for r in readers]
        for t in threads:
            t.start()
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                for k, data in enumerate(uploads, 1):
                    wait_until(lambda k=k: all_read(readers, k - 1), f"every reader to read revision {k - 1} a while")
                    answer = client.post(
                        "/api/revisions",
                        params={"name": f"rev{k}.txt"},
                        content=data,
                        headers={"Authorization": f"Bearer {TOKEN}"},
                    )
                    assert answer.status_code == 201, answer.text
                    assert answer.json()["revision"]["iri"] == iris[k]
            wait_until(lambda: all_read(readers, len(uploads)), "every reader to read the last revision a while")
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)

    assert not any(t.is_alive() for t in threads)
    failures = [f for r in readers for f in r.failures]
    assert failures == []
    for r in readers:
        assert r.seen == sorted(r.seen), "a thread saw an older revision after a newer one"
        assert r.seen[-1] == len(uploads)  # every reader ends on the last revision
    assert len({k for r in readers for k in r.seen}) >= 3  # the readers really ran across publications
    assert sum(r.requests for r in readers) > 50
