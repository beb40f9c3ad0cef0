"""Issue 9's attacks, replayed against a served seed catalogue on 127.0.0.1.

Each test is the attack as the issue reports it (queries and headers quoted from it), with
what must hold instead: no connection leaves a worker, the event loop stays free, a
worker's memory is capped, the Host header is never echoed, a hung-up client's query
stops, and light queries keep a worker.
"""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
from http_server import free_port, running
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID
from waiting import wait_until

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.graph.namespaces import SD
from servicegraph.store import limits, sandbox
from servicegraph.store.query_check import calls_service

TIMEOUT = 30.0  # long, so that a query stopped sooner was stopped by something else
# The seed's 10,915 triples joined three times: 10^12 rows to count, no memory to speak of.
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK { ?s ?p ?o }"
FORM = "application/x-www-form-urlencoded"


def issue_ssrf_query(port: int) -> str:
    """Issue 9, point 1, verbatim but for the port."""
    return (
        "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<'x>' || true) "
        f"SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} FILTER(?a!='') }}"
    )


def nested_ssrf_query(port: int, depth: int = 60) -> str:
    """SERVICE 60 groups deep: rdflib's parser gives up (recursion), Oxigraph runs it."""
    inner = f"SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}"
    return "SELECT * WHERE { " + "{ " * depth + inner + " }" * depth + " }"


@contextmanager
def listener() -> Iterator[tuple[int, socket.socket]]:
    """A TCP port on 127.0.0.1 that records connections in its backlog (never accepted)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock.getsockname()[1], sock


def connected(sock: socket.socket) -> bool:
    """Whether anything has connected: the kernel completes a handshake before accept()."""
    try:
        sock.accept()[0].close()
    except BlockingIOError:
        return False
    return True


@pytest.fixture(scope="module")
def app(seed_path):
    with served_app(Settings(source=seed_path, workers=2, timeout=TIMEOUT)) as app:
        yield app


@pytest.fixture(scope="module")
def base(app) -> Iterator[str]:
    with running(app) as url:
        yield url


@pytest.fixture
def client(app, base) -> Iterator[httpx.Client]:
    """A client of the module's server once every worker is up (a test before may have
    had some killed: replacements take seconds on a loaded machine)."""
    pool = app.state.engine.engine
    wait_until(lambda: _idle_workers(app) == pool.size and pool._spare, "every worker and the spare to be up")
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client


# --- 1. SSRF ---------------------------------------------------------------------------


def test_the_issue_service_query_is_refused_and_nothing_connects(client: httpx.Client) -> None:
    with listener() as (port, sock):
        response = client.get("/sparql", params={"query": issue_ssrf_query(port)})
        assert response.status_code == 403, response.text
        assert "SERVICE" in response.text
        assert not connected(sock)


def test_with_the_parse_check_defeated_the_worker_still_cannot_connect(client: httpx.Client) -> None:
    with listener() as (port, sock):
        query = nested_ssrf_query(port)
        assert not calls_service(query)  # the real parse is defeated: only the kernel is left
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403, response.text  # the sandbox refused the connection
        assert not connected(sock)
        # Control: the same query in this (unconfined) process does reach the listener
        # (which hangs up on it, so that the engine's call fails instead of waiting).
        control = threading.Thread(target=_run_ignoring_errors, args=(query,), daemon=True)
        control.start()
        wait_until(lambda: connected(sock), "the unconfined engine to call the listener", 10)
        control.join(10)


def _run_ignoring_errors(query: str) -> None:
    with suppress(OSError):
        list(ox.Store().query(query))


def _try_sockets(results: multiprocessing.Queue) -> None:
    sandbox.confine_network()
    for family, kind in (
        (socket.AF_INET, socket.SOCK_STREAM),
        (socket.AF_INET, socket.SOCK_DGRAM),
        (socket.AF_INET6, socket.SOCK_STREAM),
        (socket.AF_NETLINK, socket.SOCK_RAW),
        (socket.AF_UNIX, socket.SOCK_STREAM),
    ):
        try:
            socket.socket(family, kind).close()
            results.put((family.name, kind.name, "opened"))
        except OSError as exc:
            results.put((family.name, kind.name, exc.errno))


def test_a_confined_process_opens_unix_sockets_only() -> None:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_try_sockets, args=(results,))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    outcome = {}
    for _ in range(5):
        family, kind, result = results.get(timeout=10)
        outcome[family, kind] = result
    assert outcome == {
        ("AF_INET", "SOCK_STREAM"): sandbox.REFUSED_ERRNO,
        ("AF_INET", "SOCK_DGRAM"): sandbox.REFUSED_ERRNO,
        ("AF_INET6", "SOCK_STREAM"): sandbox.REFUSED_ERRNO,
        ("AF_NETLINK", "SOCK_RAW"): sandbox.REFUSED_ERRNO,
        ("AF_UNIX", "SOCK_STREAM"): "opened",
    }


def test_without_a_sandbox_serving_is_refused_unless_allowed(seed_path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "no seccomp on this test platform")
    with (
        pytest.raises(sandbox.SandboxUnavailable, match="--allow-network-in-workers"),
        served_app(Settings(source=seed_path)),
    ):
        pass
    with (
        caplog.at_level("WARNING", logger="servicegraph.serve"),
        served_app(Settings(source=seed_path, allow_network_in_workers=True)),
    ):
        pass
    assert any("NOT sandboxed" in r.getMessage() for r in caplog.records)


# --- 2. the guard's time, and size limits --------------------------------------------------


@contextmanager
def serve_command(*args: str) -> Iterator[str]:
    """`servicegraph serve` in its own process (its own GIL, as deployed); yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "servicegraph", "serve", *args, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            with suppress(httpx.TransportError):
                if httpx.get(url, timeout=1).status_code == 200:
                    break
        yield url
    finally:
        process.terminate()
        process.wait(30)


def test_the_40kb_pathological_query_leaves_the_front_page_fast(seed_path) -> None:
    pathological = "SELECT * WHERE {} " + "\\'" * 20_000  # 40 KB: 8 s of a frozen event loop before
    form = urlencode({"query": pathological}).encode()  # encoded once: the attacker thread idles
    statuses: list[int] = []
    with serve_command(str(seed_path)) as url:

        def attack() -> None:
            with httpx.Client(base_url=url, timeout=60) as attacker:
                for _ in range(20):
                    response = attacker.post("/sparql", content=form, headers={"Content-Type": FORM})
                    statuses.append(response.status_code)

        thread = threading.Thread(target=attack)
        with httpx.Client(base_url=url, timeout=60) as visitor:
            visitor.get("/")  # connected and warm
            thread.start()
            latencies = []
            while thread.is_alive():  # polled while the attack runs, no sleep
                started = time.perf_counter()
                assert visitor.get("/").status_code == 200
                latencies.append(time.perf_counter() - started)
            thread.join()
    assert statuses == [400] * 20  # the engine's syntax error, each answered
    # The one timing assertion the issue asks for. Before, `/` waited 8 s behind each such
    # query. On this shared machine `/` alone shows outliers past 100 ms (idle p99 21 ms, max
    # 112 ms at a load average of 13), so nine in ten must be under 100 ms, and all under 1 s.
    latencies.sort()
    assert len(latencies) >= 10
    assert latencies[len(latencies) * 9 // 10] < 0.1
    assert latencies[-1] < 1.0


def test_a_query_past_the_length_limit_is_413(client: httpx.Client) -> None:
    limit = limits.MAX_QUERY_BYTES
    padding = "#" + "x" * limit + "\n"
    for response in (
        client.post("/sparql", data={"query": padding + TRIVIAL}),
        client.post(
            "/sparql", content=(padding + TRIVIAL).encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ):
        assert response.status_code == 413, response.text
        assert str(limit) in response.text
    assert client.post("/sparql", data={"query": padding[: limit - 100] + "\n" + TRIVIAL}).status_code == 200


def test_a_100mb_body_is_refused_without_being_read(client: httpx.Client) -> None:
    sent = 0

    def body() -> Iterator[bytes]:  # streamed, no Content-Length: the server must count
        nonlocal sent
        chunk = b"#" * 65536
        for _ in range(1600):  # 100 MiB
            sent += len(chunk)
            yield chunk

    with suppress(httpx.TransportError):  # the server may close while the client still sends
        response = client.post("/sparql", content=body(), headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 413
    assert sent < 10 * 1024 * 1024  # the server closed the connection: the rest was never sent
    declared = client.post(
        "/sparql", content=b"#" * (4 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"}
    )
    assert declared.status_code == 413


# --- 3. worker memory --------------------------------------------------------------------

MEMORY_SCRIPT = """
import asyncio, resource, sys, tempfile
from pathlib import Path
from servicegraph.store.engine import QueryRequest
from servicegraph.store.errors import MemoryLimit
from servicegraph.store.snapshots import load_source
from servicegraph.store.workers import WorkerPool

async def main(seed, limit):
    snapshot = load_source(Path(seed), Path(tempfile.mkdtemp()) / "store")
    pool = WorkerPool(snapshot, size=1, timeout=60, max_memory=limit)
    await pool.start()
    hungry = QueryRequest("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1", "text/csv")
    try:
        await pool.execute(hungry)
        print("answered")
    except MemoryLimit as exc:
        print("memory-limit", exc)
    while pool._idle.qsize() == 0:  # the killed worker's replacement starting
        await asyncio.sleep(0.05)
    ask = await pool.execute(QueryRequest("ASK { ?s ?p ?o }", "text/csv"))
    print("then", ask.body.decode().split()[-1])
    await pool.close()
    print("peak", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)

if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_the_memory_hungry_query_is_stopped_under_the_limit(seed_path, tmp_path) -> None:
    limit = 384 * 1024 * 1024  # the issue saw this query grow a worker to 5.5 GB
    script = tmp_path / "hungry.py"
    script.write_text(MEMORY_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(seed_path), str(limit)], capture_output=True, text=True, timeout=300
    )
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines.get("memory-limit", "").endswith(f"memory limit of {limit} bytes and was stopped"), done
    assert lines["then"] == "true"  # a fresh worker answers the next query
    assert int(lines["peak"]) < limit  # the kernel's record of the largest worker's resident peak


def test_the_memory_limit_is_answered_503(base: str, seed_path) -> None:
    settings = Settings(source=seed_path, workers=1, timeout=TIMEOUT, max_worker_memory=384 * 1024 * 1024)
    with served_app(settings) as small_app, running(small_app) as url:
        hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        response = httpx.get(f"{url}/sparql", params={"query": hungry}, timeout=60)
    assert response.status_code == 503
    assert "memory limit" in response.text


# --- 4. Host header --------------------------------------------------------------------


def test_the_host_header_is_never_echoed(client: httpx.Client, base: str) -> None:
    evil = {"Host": "evil.example:1234"}
    for path in ("/api/queries", "/sparql", "/.well-known/void"):
        response = client.get(path, headers=evil)
        assert response.status_code == 200, path
        assert "evil.example" not in response.text, path
    urls = [q["url"] for q in client.get("/api/queries", headers=evil).json()]
    assert urls and all(url.startswith(f"{base}/api/queries/") for url in urls)


def test_absolute_urls_follow_the_public_url(seed_path) -> None:
    public = "https://data.example.gov.cn/graph"
    with served_app(Settings(source=seed_path, public_url=public)) as app, running(app) as url:
        queries = httpx.get(f"{url}/api/queries", headers={"Host": "evil.example"}).json()
        void = httpx.get(f"{url}/.well-known/void", params={"format": "nt"}).text
        constructed = httpx.get(
            f"{url}/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}", "format": "nt"}
        ).text
    assert all(q["url"].startswith(f"{public}/api/queries/") for q in queries)
    assert f"<{public}/sparql>" in void
    assert constructed.startswith(f"<{public}/s> <{public}/p> ")


# --- 5. availability -------------------------------------------------------------------


def _busy_workers(app) -> set:
    pool = app.state.engine.engine
    idle = set(pool._idle._queue)
    return {w for w in pool._workers if w not in idle and w is not pool._spare}


def _idle_workers(app) -> int:
    return app.state.engine.engine._idle.qsize()


def test_a_client_that_hangs_up_stops_its_query(app, client: httpx.Client, base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    request = f"GET /sparql?{urlencode({'query': FOREVER})} HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(request.encode())
        wait_until(lambda: len(_busy_workers(app)) == 1, "the query to reach a worker", 10)
        (worker,) = _busy_workers(app)
    # hung up: the worker must die long before the 30 s time limit would stop it
    wait_until(lambda: not worker.process.is_alive(), "the hung-up client's worker to be killed", 10)
    wait_until(lambda: _idle_workers(app) == 2, "the killed worker's replacement")


def test_long_queries_cannot_hold_every_worker_while_others_wait(app, client: httpx.Client, base: str) -> None:
    answers: dict[int, httpx.Response] = {}

    def slow(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as own:
            answers[i] = own.get("/sparql", params={"query": FOREVER})

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(_busy_workers(app)) == 2, "both workers to run the long queries", 20)
    # The issue's trivial ASK waited 9.85 s here; now, once both queries are long, the
    # younger is stopped to make room, and the ASK runs on its replacement.
    assert client.get("/sparql", params={"query": TRIVIAL}).status_code == 200
    # the stopped query's 503 may reach its own client just after the ASK's answer reaches ours
    wait_until(lambda: len(answers) >= 1, "the stopped query's answer", 10)
    assert len(answers) == 1
    (cut,) = answers.values()
    assert cut.status_code == 503 and "Retry-After" in cut.headers
    assert "to make room" in cut.text
    for thread in threads:
        thread.join()
    (kept,) = (answer for answer in answers.values() if answer is not cut)
    assert "time limit of 30 s" in kept.text


# --- 6. paging bounds and Chinese search ----------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/services", "/api/agencies", "/api/provisions/shared", "/api/levels/township/services", "/api/statutes?q=法"],
)
def test_offsets_past_the_bound_are_422_not_500(client: httpx.Client, path: str) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}offset={2**64}")
    assert response.status_code == 422, response.text
    assert client.get(f"{path}{separator}offset=1000000000").status_code == 200


def test_chinese_search_text_is_letters(client: httpx.Client) -> None:
    response = client.get("/api/statutes", params={"q": "中华人民共和国"})
    assert response.status_code == 200, response.text
    titles = [item["title"] for item in response.json()["items"]]
    assert titles and all("中华人民共和国" in title for title in titles)
    assert client.get("/api/statutes", params={"q": "《》"}).status_code == 400


# --- 13 and 14. protocol details --------------------------------------------------------


def test_a_relative_iri_resolves_against_the_endpoint(client: httpx.Client, base: str) -> None:
    # the W3C protocol test: 400 before, as no base IRI reached the engine
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}", "format": "nt"})
    assert response.status_code == 200, response.text
    assert response.text.startswith(f"<{base}/s> <{base}/p> ")


def test_the_descriptions_name_json_ld_and_describe_the_dataset(client: httpx.Client, base: str) -> None:
    sd = Graph().parse(data=client.get("/sparql", params={"format": "nt"}).text, format="nt")
    formats = {str(o) for o in sd.objects(URIRef(f"{base}/sparql"), SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    assert not any("formats/data/" in f for f in formats)
    void = Graph().parse(data=client.get("/.well-known/void", params={"format": "nt"}).text, format="nt")
    dataset = URIRef(f"{base}/.well-known/void#dataset")
    assert void.value(dataset, VOID.uriSpace) == Literal("https://servicegraph.example/")
    vocabularies = set(map(str, void.objects(dataset, VOID.vocabulary)))
    assert {"http://purl.org/vocab/cpsv#", "http://data.europa.eu/eli/ontology#"} <= vocabularies
    assert void.value(dataset, DCTERMS.license) == URIRef("https://servicegraph.example/licence")
    assert void.value(dataset, DCTERMS.publisher) == URIRef("https://servicegraph.example/publisher")
    assert void.value(dataset, DCTERMS.modified) is not None
    example = void.value(dataset, VOID.exampleResource)
    assert str(example).startswith("https://servicegraph.example/service/")
    languages = {t.language for t in void.objects(dataset, DCTERMS.title)}
    assert languages == {"en", "zh"}
