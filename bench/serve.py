"""`servicegraph serve` against rdflib-endpoint, side by side on the same seed dump.

Starts the servers on 127.0.0.1 and sends each the same shipped named queries of
bench/workload.py (the flagship shared-provisions, the services resting on a statute, a
resource's description), parameters in a VALUES block, from a few concurrent HTTP
clients. servicegraph runs twice: with its results cache off (`--cache-bytes 0`: every
request runs the query; the honest comparison, and the headline ratio) and on (the
default; repeated requests are answered from the cache, so that figure is the HTTP path
alone). Prints requests per second, p50/p99 latency and the ratios to rdflib-endpoint.

    .venv/bin/python bench/serve.py [--seconds 4] [--clients 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
from servers import free_port, serving
from workload import CASES

from servicegraph.graph.build import build_graph
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.store.formats import SPARQL_JSON

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "dianjiang-township-services.txt"
OURS = {"servicegraph uncached": ["--cache-bytes", "0"], "servicegraph cached": []}
PEER = "rdflib-endpoint"


def client(url: str, query: str, start: float, stop: float) -> tuple[list[float], list[int], float]:
    """One client's latencies (ms), failed statuses and end time, from `start` to `stop` (time.time())."""
    latencies: list[float] = []
    failures: list[int] = []
    with httpx.Client(timeout=60) as http:
        time.sleep(max(start - time.time(), 0))
        while time.time() < stop:
            started = time.perf_counter()
            response = http.post(url, data={"query": query}, headers={"Accept": "*/*"})
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                failures.append(response.status_code)
    return latencies, failures, time.time()


def load(url: str, query: str, seconds: float, clients: int) -> tuple[float, list[float]]:
    """Requests per second and sorted latencies (ms) of `clients` clients for `seconds`.

    Each client is a process of its own: client threads sharing one GIL would add their
    waits for it (up to the 5 ms switch interval) to the latencies measured.
    """
    start = time.time() + 0.5  # every client process is up by then
    with ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("fork")) as pool:
        outcomes = list(pool.map(client, *zip(*[(url, query, start, start + seconds)] * clients, strict=True)))
    elapsed = max(end for _, _, end in outcomes) - start
    latencies = [ms for samples, _, _ in outcomes for ms in samples]
    failures = [status for _, statuses, _ in outcomes for status in statuses]
    if failures:
        raise RuntimeError(f"{url} answered {failures[:3]}")
    return len(latencies) / elapsed, sorted(latencies)


def percentile(samples: list[float], p: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * p))]


def rows(url: str, query: str) -> int | None:
    """How many solutions a SELECT answers (None for a graph), to check the servers agree."""
    response = httpx.post(url, data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=60)
    if "sparql-results+json" not in response.headers.get("content-type", ""):
        return None
    return len(response.json()["results"]["bindings"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per server and query")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        dump = Path(directory) / "seed.ttl"
        build_graph(read_catalogue(SEED)).serialize(dump, format="turtle")
        urls = {}
        for name, options in OURS.items():
            port = free_port()
            command = [str(BIN / "servicegraph"), "serve", str(dump), "--port", str(port), *options]
            urls[name] = f"http://127.0.0.1:{port}/sparql"
            stack.enter_context(serving(command, urls[name]))
        port = free_port()
        command = [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
        urls[PEER] = f"http://127.0.0.1:{port}/"
        stack.enter_context(serving(command, urls[PEER]))
        print(f"seed dump {dump.stat().st_size} bytes; {args.clients} clients, {args.seconds:g} s per server and query")
        print(f"{'query':20} {'server':22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
        headline = []
        for case in CASES:
            query = case.inlined()
            counts = {name: rows(url, query) for name, url in urls.items()}
            if len(set(counts.values())) != 1:
                raise RuntimeError(f"{case.name}: the servers disagree on the number of rows: {counts}")
            rates = {}
            for name, url in urls.items():
                rate, samples = load(url, query, args.seconds, args.clients)
                rates[name] = rate
                print(
                    f"{case.name:20} {name:22} {rate:8.1f} {percentile(samples, 0.5):8.2f} "
                    f"{percentile(samples, 0.99):8.2f} {len(samples):9d}"
                )
            for name in OURS:
                print(f"{case.name:20} {'ratio ' + name.split()[-1]:22} {rates[name] / rates[PEER]:7.1f}x")
            headline.append(f"{case.name} {rates['servicegraph uncached'] / rates[PEER]:.1f}x")
        print(f"headline, req/s of servicegraph with its cache off / {PEER}: {', '.join(headline)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
