"""The flagship queries before and after issue 13, side by side, at 100× and 1000× the seed.

    .venv/bin/python bench/flagship.py [--sizes 100 1000] [--runs 7] [--before main]

Each request is the named queries the API runs for it (page and count; for a statute, every
query of its answer), with no cache, on each engine: pyoxigraph's `Store` in process through
`OxigraphStore` (results serialized as SPARQL JSON under the server's 16 MiB limit), and an
Oxigraph server (`oxigraph load` then `oxigraph serve-read-only`, the values written into the
query text as the remote engine writes them, over the SPARQL protocol):
- shared, rolled up: `/api/provisions/shared?rollup=true` (shared-articles + .count);
- shared: `/api/provisions/shared` (shared-provisions + .count);
- statute services, first page: the services resting on 中华人民共和国电力法 (before: the
  whole statute-services.rq, which the API ran whole; after: a page of 50 and its total,
  agencies and levels);
- statute page: every query of `/api/statutes/中华人民共和国电力法` (before: all services and
  citations; after: the first page of 50).
"Before" reads the .rq files at git revision `--before` (the graph is today's: the old
queries ignore the new triples); "after" reads the working tree's. p50 / p99 of `--runs`
runs, in ms; "(limit)" when an answer is over the result limit (the API answered 503).

The 100× graph is bench/dumps.py's first part (copies 0–99). The 1000× graph is that part
and nine copies of it with every service IRI suffixed and every item number shifted, as
bench/catalogues.py's copies are numbered and named apart, with the builder's per-provision
counts multiplied by ten (the parts are alike): 98,000 services citing the same documents.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
from dumps import part_files  # bench/dumps.py (the script's directory)
from rdflib import Literal, URIRef

from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.engine import QueryRequest
from servicegraph.store.errors import ResultTooLarge
from servicegraph.store.formats import SPARQL_JSON
from servicegraph.store.limits import MAX_RESULT_BYTES
from servicegraph.store.oxigraph import OxigraphStore, to_oxigraph
from servicegraph.store.sparql_text import substitute

ROOT = Path(__file__).resolve().parent.parent
B = DEFAULT_BASE
LAW = URIRef(f"{B}legal/中华人民共和国电力法")
SHIFT = 9800  # the highest item number of the 100× part: copy j's numbers start past j × SHIFT
PAGE = 50
STATUTE_BEFORE = ("statute", "statute-services", "statute-citations", "statute-provisions")
Run = Callable[[str, dict], list[dict]]
"""Runs a named query (its name and bindings) and returns its rows."""


def query_text(name: str, revision: str | None) -> str:
    path = f"api/queries/{name}.rq"
    if revision is None:
        return (ROOT / path).read_text(encoding="utf-8")
    shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True, capture_output=True)
    return shown.stdout.decode()


def requests_before(run: Run) -> dict[str, Callable[[], object]]:
    two = {"min_services": Literal(2)}
    return {
        "shared, rolled up": lambda: (run("shared-articles", two, PAGE), run("shared-articles.count", two)),
        "shared": lambda: (run("shared-provisions", two, PAGE), run("shared-provisions.count", two)),
        "statute services, first page": lambda: run("statute-services", {"document": LAW}),
        "statute page": lambda: [run(n, {"document": LAW}) for n in STATUTE_BEFORE],
    }


def requests_after(run: Run) -> dict[str, Callable[[], object]]:
    two = {"min_services": Literal(2)}

    def services() -> list[dict]:
        page = run("statute-services", {"basis": LAW}, PAGE)
        run("statute-services.count", {"basis": LAW})
        span = {"basis": LAW, "first": Literal(page[0]["number"]), "last": Literal(page[-1]["number"])}
        run("statute-service-agencies", span)
        run("statute-service-levels", span)
        return page

    def statute() -> None:
        run("statute", {"document": LAW})
        run("statute-provisions", {"document": LAW})
        page = services()
        first, last = Literal(page[0]["number"]), Literal(page[-1]["number"])
        run("statute-citations", {"document": LAW, "first": first, "last": last})

    return {
        "shared, rolled up": lambda: (run("shared-articles", two, PAGE), run("shared-articles.count", two)),
        "shared": lambda: (run("shared-provisions", two, PAGE), run("shared-provisions.count", two)),
        "statute services, first page": services,
        "statute page": statute,
    }


Execute = Callable[[str, dict], bytes]
"""Runs a query text with bindings on one engine; the SPARQL JSON body."""


def runner(execute: Execute, revision: str | None) -> Run:
    def run(name: str, bindings: dict, limit: int | None = None) -> list[dict]:
        text = query_text(name, revision) + (f"\nLIMIT {limit} OFFSET 0\n" if limit else "")
        rows = json.loads(execute(text, bindings))["results"]["bindings"]
        return [{k: int(v["value"]) if k == "number" else v["value"] for k, v in row.items()} for row in rows]

    return run


def embedded(store: ox.Store) -> Execute:
    engine = OxigraphStore(store, MAX_RESULT_BYTES)
    return lambda text, bindings: engine.execute(QueryRequest(text, SPARQL_JSON, None, None, bindings)).body


def remote(url: str) -> Execute:
    """An Oxigraph server's SPARQL endpoint, the values written into the text (as the remote engine does)."""
    client = httpx.Client(timeout=600)

    def execute(text: str, bindings: dict) -> bytes:
        query = substitute(text, {k: str(to_oxigraph(v)) for k, v in bindings.items()})
        answer = client.post(url, data={"query": query}, headers={"Accept": SPARQL_JSON})
        answer.raise_for_status()
        if len(answer.content) > MAX_RESULT_BYTES:
            raise ResultTooLarge("over the result limit")
        return answer.content

    return execute


BUDGET = 120.0
"""Seconds of runs per request and size: past it no further run starts (the slowest old
queries take minutes at 1000×), so a cell may hold fewer runs than asked (shown as [n])."""


def timed(call: Callable[[], object], runs: int) -> list[float] | str:
    samples: list[float] = []
    while len(samples) < runs and sum(samples) < BUDGET * 1000:
        started = time.perf_counter()
        try:
            call()
        except ResultTooLarge:
            return "(limit)"
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def copies_1000(part: Path, out: Path) -> Path:
    """The 1000× N-Triples: `part` (the 100× graph) and nine renamed, renumbered copies."""
    if out.exists():
        return out
    number = re.compile(r'^(<[^>]+> <https://servicegraph\.example/ontology#number> ")(\d+)(")')
    count = re.compile(r'^(<[^>]+> <https://servicegraph\.example/ontology#services(?:Resting|Citing)> ")(\d+)(")')
    service = re.compile(r"(<https://servicegraph\.example/service/[^/>]+)")
    partial = out.with_suffix(".partial")
    with part.open(encoding="utf-8") as source, partial.open("w", encoding="utf-8") as sink:
        lines = source.readlines()
        for j in range(10):
            for line in lines:
                if count.match(line):
                    if j == 0:
                        sink.write(count.sub(lambda m: f"{m[1]}{int(m[2]) * 10}{m[3]}", line))
                    continue
                if j:
                    line = service.sub(rf"\1~{j}", line)
                    line = number.sub(lambda m, j=j: f"{m[1]}{int(m[2]) + j * SHIFT}{m[3]}", line)
                sink.write(line)
    partial.rename(out)
    return out


def graph_file(copies: int, directory: Path) -> Path:
    (part,) = part_files(100, directory)
    return part if copies == 100 else copies_1000(part, directory / "copies-1000-synthetic.nt")


def one_size(
    copies: int, directory: Path, runs: int, before: str | None, engine: str
) -> Iterator[tuple[str, str, str]]:
    path = graph_file(copies, directory)
    with tempfile.TemporaryDirectory(prefix="flagship-", dir=directory) as where:
        started = time.perf_counter()
        if engine == "embedded":
            store = ox.Store(where)
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            with_engine = contextlib.nullcontext(embedded(store))
        else:
            oxigraph = str(Path(sys.executable).parent / "oxigraph")
            load = [oxigraph, "load", "--location", where, "--file", str(path)]
            subprocess.run(load, check=True, capture_output=True)
            with_engine = _server(oxigraph, where)
        print(f"{copies}× on {engine}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
        with with_engine as execute:
            old, new = requests_before(runner(execute, before or "HEAD")), requests_after(runner(execute, None))
            for name in old:
                was = _cell(timed(old[name], runs), runs) if before else "—"
                yield name, was, _cell(timed(new[name], runs), runs)


@contextlib.contextmanager
def _server(oxigraph: str, location: str) -> Iterator[Execute]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([oxigraph, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{port}"])
    try:
        url = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield remote(url)
    finally:
        server.terminate()
        server.wait(timeout=60)


def _cell(samples: list[float] | str, runs: int) -> str:
    if isinstance(samples, str):
        return samples
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    fewer = f" [{len(samples)}]" if len(samples) < runs else ""
    return f"{statistics.median(samples):.0f} / {p99:.0f}{fewer}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], choices=[100, 1000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", default="main", help="git revision of the queries before; '' skips them")
    parser.add_argument("--directory", type=Path, default=Path("/tmp/servicegraph-dumps"))
    parser.add_argument("--engines", nargs="+", default=["embedded", "oxigraph"], choices=["embedded", "oxigraph"])
    args = parser.parse_args()
    print(f"p50 / p99 ms of {args.runs} runs, no cache; before = the queries at {args.before or '—'}")
    print(f"{'size':>6} {'engine':9} {'request':30} {'before':>18} {'after':>18}")
    for copies in args.sizes:
        for engine in args.engines:
            for name, before, after in one_size(copies, args.directory, args.runs, args.before, engine):
                print(f"{copies:>5}× {engine:9} {name:30} {before:>18} {after:>18}", flush=True)


if __name__ == "__main__":
    main()
