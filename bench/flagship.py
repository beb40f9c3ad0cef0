"""The flagship queries before and after issue 13, side by side, at 100× and 1000× the seed.

    .venv/bin/python bench/flagship.py [--sizes 100 1000] [--runs 7] [--before main]

Each request is the named queries the API runs for it (page and count; for a statute, every
query of its answer), with no cache, on each engine: pyoxigraph's `Store` in process through
`OxigraphStore` (results serialized as SPARQL JSON under the server's 16 MiB limit; before,
the values handed to pyoxigraph as substitutions, as main did), and an Oxigraph server
(`oxigraph serve-read-only`, the values written into the query text as the remote engine
writes them, over the SPARQL protocol):
- shared, rolled up: `/api/provisions/shared?rollup=true` (shared-articles + .count);
- shared: `/api/provisions/shared` (shared-provisions + .count);
- statute services, first page: a page of 50 of the services resting on
  中华人民共和国电力法, its total, agencies and levels;
- statute page: every query of `/api/statutes/中华人民共和国电力法` (its first page of 50);
- provision page: the same for its 第二十六条 (`?provision=art_26`);
- statute review box: `/api/review/statutes/中华人民共和国电力法`, the statute page's 需复核 box
  (before: the check of the document and of the services citing it, whole; after: a page of
  50 services, each checked);
- /review first page: the citations to review, the first 100 by reason, each service checked
  and its agencies (before: the whole check, as /review and /api/review ran it).
"Before" reads the .rq files at git revision `--before` (default main) and makes the
requests as main's API did; "after" reads the working tree's and runs api/review.py's code
over them. p50 / p99 of `--runs` runs, in ms; "(limit)" when an answer is over the result
limit (the API answered 503).

The graph holds the seed's status layer (the shipped table; its documents are every copy's).
It is loaded once per size into an on-disk store under `--directory` (`oxigraph load`, left
as bulk-loaded like a served snapshot; `--optimize`: compacted by `oxigraph optimize`), kept
there for the next run, and opened read-only by each engine in turn.

The 100× graph is bench/dumps.py's first part (copies 0–99). The 1000× graph is that part
and nine copies of it with every service IRI suffixed and every item number shifted, as
bench/catalogues.py's copies are numbered and named apart, with the builder's per-provision
counts multiplied by ten (the parts are alike): 98,000 services citing the same documents.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
from dumps import SEED, part_files  # bench/dumps.py (the script's directory)
from rdflib import Literal, URIRef
from servers import free_port, serving  # bench/servers.py

from servicegraph.api import named_queries as nq
from servicegraph.api import review
from servicegraph.api.pages.review import SORT_KEYS
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.engine import QueryRequest, QueryResult
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
Run = Callable[[str, dict], list[dict]]
"""Runs a named query (its name and bindings) and returns its rows."""


def query_text(name: str, revision: str | None) -> str:
    path = f"{nq.get(name).folder}/{name}.rq"
    if revision is None:
        return (ROOT / path).read_text(encoding="utf-8")
    shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True, capture_output=True)
    return shown.stdout.decode()


def requests_before(run: Run) -> dict[str, Callable[[], object]]:
    """The requests as `main`'s API made them (its review lists checked the whole catalogue)."""
    return {
        **catalogue_requests(run),
        "statute review box": lambda: [run("citation-status", {p: LAW}) for p in ("document", "citing")],
        "/review first page": lambda: run("citation-status", {}),
    }


def requests_after(run: Run, runner: nq.Runner) -> dict[str, Callable[[], object]]:
    """The requests as this tree's API makes them."""

    async def statute_review() -> None:
        rows, _ = await nq.run_page(runner, "statute-services", {"basis": LAW}, PAGE, 0)
        for row in rows:
            await review.service_status(runner, str(row["service"]))

    async def review_page() -> None:  # api/pages/review.py's review_page, less the rendering
        found = await review.reviewed(runner)
        key = SORT_KEYS["reason"]
        shown = sorted(found.cited, key=lambda c: key(found.statuses[c.document], c))[:100]
        for service in dict.fromkeys(c.service for c in shown):
            await review.service_status(runner, service)
        for document in {c.document for c in shown}:
            numbers = [c.number for c in shown if c.document == document]
            span = {"basis": URIRef(document), "first": Literal(min(numbers)), "last": Literal(max(numbers))}
            await nq.run(runner, "statute-service-agencies", span)

    return {
        **catalogue_requests(run),
        "statute review box": lambda: asyncio.run(statute_review()),
        "/review first page": lambda: asyncio.run(review_page()),
    }


def catalogue_requests(run: Run) -> dict[str, Callable[[], object]]:
    """The flagship requests of api/routes.py: their named queries (`run` reads them before or after)."""
    two = {"min_services": Literal(2)}

    def services(basis: URIRef = LAW) -> list[dict]:
        page = run("statute-services", {"basis": basis}, PAGE)
        run("statute-services.count", {"basis": basis})
        span = {"basis": basis, "first": Literal(page[0]["number"]), "last": Literal(page[-1]["number"])}
        run("statute-service-agencies", span)
        run("statute-service-levels", span)
        return page

    def statute(basis: URIRef = LAW) -> None:
        run("statute", {"document": LAW})
        run("statute-provisions", {"document": LAW})
        page = services(basis)
        first, last = Literal(page[0]["number"]), Literal(page[-1]["number"])
        run("statute-citations", {"document": LAW, "first": first, "last": last})

    return {
        "shared, rolled up": lambda: (run("shared-articles", two, PAGE), run("shared-articles.count", two)),
        "shared": lambda: (run("shared-provisions", two, PAGE), run("shared-provisions.count", two)),
        "statute services, first page": services,
        "statute page": statute,
        "provision page": lambda: statute(URIRef(f"{LAW}/art_26")),
    }


def async_runner(execute: Execute) -> nq.Runner:
    """The API's runner of named queries (api/review.py's code) over `execute`."""

    async def send(request: QueryRequest) -> QueryResult:
        return QueryResult(request.media_type, execute(request.query, dict(request.bindings)))

    return nq.Runner(send)


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


def embedded_before(store: ox.Store) -> Execute:
    """`embedded` as main ran it: the values handed to pyoxigraph as substitutions."""

    def execute(text: str, bindings: dict) -> bytes:
        buffer = io.BytesIO()
        results = store.query(text, substitutions={ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()})
        results.serialize(buffer, ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        if buffer.tell() > MAX_RESULT_BYTES:
            raise ResultTooLarge("over the result limit")
        return buffer.getvalue()

    return execute


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


def status_file(directory: Path) -> Path:
    """The seed's status layer (the shipped table) as N-Triples."""
    path = directory / "status.nt"
    if not path.exists():
        from servicegraph.graph.build import build_graph
        from servicegraph.graph.status import status_layer
        from servicegraph.loaders.catalogue import read_catalogue

        graph = build_graph(read_catalogue(SEED))
        status_layer(graph, None, B).serialize(str(path), format="nt", encoding="utf-8")
    return path


def store_dir(copies: int, directory: Path, oxigraph: str, optimized: bool = False) -> Path:
    """The on-disk store of the `copies`× graph and the status layer, loaded (and optimized) once."""
    path = directory / f"store-{copies}{'-optimized' if optimized else ''}"
    if not path.exists():
        partial = path.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        for source in (graph_file(copies, directory), status_file(directory)):
            load = [oxigraph, "load", "--location", str(partial), "--file", str(source)]
            subprocess.run(load, check=True, capture_output=True)
        if optimized:
            subprocess.run([oxigraph, "optimize", "--location", str(partial)], check=True, capture_output=True)
        partial.rename(path)
    return path


def one_size(
    copies: int, directory: Path, runs: int, before: str | None, engine: str, optimized: bool = False
) -> Iterator[tuple[str, str, str]]:
    oxigraph = str(Path(sys.executable).parent / "oxigraph")
    started = time.perf_counter()
    where = str(store_dir(copies, directory, oxigraph, optimized))
    print(f"{copies}× store ready in {time.perf_counter() - started:.0f} s", flush=True)
    if engine == "embedded":
        store = ox.Store.read_only(where)
        with_engine = contextlib.nullcontext((embedded_before(store), embedded(store)))
    else:
        with_engine = _server(oxigraph, where)
    with with_engine as (execute_before, execute):
        old = requests_before(runner(execute_before, before or "HEAD"))
        new = requests_after(runner(execute, None), async_runner(execute))
        for name in new:
            was = _cell(timed(old[name], runs), runs) if before and name in old else "—"
            yield name, was, _cell(timed(new[name], runs), runs)


@contextlib.contextmanager
def _server(oxigraph: str, location: str) -> Iterator[tuple[Execute, Execute]]:
    bind = f"127.0.0.1:{free_port()}"
    url = f"http://{bind}/query"
    with serving([oxigraph, "serve-read-only", "--location", location, "--bind", bind], url):
        yield remote(url), remote(url)


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
    parser.add_argument("--directory", type=Path, default=Path("/tmp/servicegraph-dumps"), help="dumps and stores")
    parser.add_argument("--engines", nargs="+", default=["embedded", "oxigraph"], choices=["embedded", "oxigraph"])
    parser.add_argument("--optimize", action="store_true", help="a store compacted (oxigraph optimize) after loading")
    args = parser.parse_args()
    print(f"p50 / p99 ms of {args.runs} runs, no cache; before = the queries at {args.before or '—'}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    print(f"{'size':>6} {'engine':9} {'request':30} {'before':>18} {'after':>18}")
    for copies in args.sizes:
        for engine in args.engines:
            rows = one_size(copies, args.directory, args.runs, args.before, engine, args.optimize)
            for name, before, after in rows:
                print(f"{copies:>5}× {engine:9} {name:30} {before:>18} {after:>18}", flush=True)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
