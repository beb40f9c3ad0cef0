"""Issue 9's load figures, against `servicegraph serve` (its defaults) on 127.0.0.1.

1. Clients held: CLIENTS concurrent keep-alive connections, each sending ROUNDS requests
   (cached API pages and uncached ASKs); every error counted.
2. The trivial query while the workers are saturated: for S = 0 (baseline), WORKERS and
   2 x WORKERS slow clients each sending a query that would run for minutes (cut at the
   10 s limit, or at 1 s on the worker kept for short queries) again and again without
   waiting, one client sends distinct trivial ASKs (uncached) one after another for
   SECONDS; its p50/p99 latency and statuses (503s carry Retry-After).
3. Main-process memory: its RSS (from /proc) before and after REQUESTS mixed requests:
   cached API pages, linked data, distinct 5 KB queries, distinct 5 MB queries (413),
   40 KB pathological queries, forged Host headers, 404s.

Everything is bounded: counts fixed, each phase capped in time.

    .venv/bin/python bench/attack.py [--clients 256] [--seconds 20] [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "dianjiang-township-services.txt"
WORKERS = 2  # servicegraph serve's default
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^12 rows on the seed
SPARQL = {"Content-Type": "application/sparql-query"}


@contextmanager
def served(port: int) -> Iterator[tuple[str, int]]:
    """The serve command on `port` until the block ends: its URL and process id."""
    command = [sys.executable, "-m", "servicegraph", "serve", str(SEED), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


# --- 1. clients held --------------------------------------------------------------------


async def hold_clients(url: str, clients: int, rounds: int) -> tuple[int, Counter[str], float]:
    outcomes: Counter[str] = Counter()
    counter = itertools.count()

    async def one(client: httpx.AsyncClient) -> None:
        for r in range(rounds):
            if r % 2:
                request = client.get("/api/levels")
            else:
                request = client.get("/sparql", params={"query": f"ASK {{ BIND({next(counter)} AS ?x) }}"})
            try:
                response = await request
                outcomes[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                outcomes[type(exc).__name__] += 1

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        await asyncio.gather(*(one(client) for _ in range(clients)))
    return clients, outcomes, time.perf_counter() - started


# --- 2. trivial under saturation --------------------------------------------------------


def trivial_under_load(url: str, slow_clients: int, seconds: float) -> tuple[list[float], Counter[int], Counter[int]]:
    stop = threading.Event()
    slow_statuses: Counter[int] = Counter()

    def slow() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while not stop.is_set():
                slow_statuses[client.get("/sparql", params={"query": SLOW}).status_code] += 1

    threads = [threading.Thread(target=slow, daemon=True) for _ in range(slow_clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.5 if slow_clients else 0)  # the slow queries are on the workers by then
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=url, timeout=60) as client:
        deadline = time.monotonic() + seconds
        for n in itertools.count():
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            response = client.get("/sparql", params={"query": f"ASK {{ BIND({n} AS ?trivial) }}"})
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[response.status_code] += 1
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return latencies, statuses, slow_statuses


# --- 3. memory after mixed requests -------------------------------------------------------


def mixed(url: str, requests: int, seconds: float) -> Counter[str]:
    """`requests` requests of the mix from 4 clients, at most `seconds` long."""
    five_kb = "#" + "x" * 5000 + "\n"
    five_mb = "#" + "x" * 5_000_000 + "\n"
    pathological = "SELECT * WHERE {} " + "\\'" * 20_000
    kinds = (
        lambda c, n: c.get("/api/provisions/shared", params={"rollup": "true", "limit": 3}),
        lambda c, n: c.get("/api/statutes", params={"q": "中华人民共和国"}),
        lambda c, n: c.get("/service/创业服务", headers={"Accept": "text/turtle"}),
        lambda c, n: c.post("/sparql", data={"query": f"{five_kb}ASK {{ BIND({n} AS ?x) }}"}),
        lambda c, n: (
            c.post("/sparql", content=f"{five_mb}{n}".encode(), headers=SPARQL)
            if (n // 8) % 62 == 0  # 40 distinct ones in 20,000 requests, as in the issue
            else c.get("/")
        ),
        lambda c, n: c.post("/sparql", data={"query": pathological}),
        lambda c, n: c.get("/api/queries", headers={"Host": f"evil{n}.example:1234"}),
        lambda c, n: c.get(f"/api/statutes/no-such-{n}"),
    )
    counter = itertools.count()
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while (n := next(counter)) < requests and time.monotonic() < deadline:
                try:
                    status = str(kinds[n % len(kinds)](client, n).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with lock:
                    outcomes[status] += 1

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each saturation run")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()

    with served(args.port) as (url, pid):
        print(f"server {url} (pid {pid}), {WORKERS} workers, main-process RSS {rss_mib(pid):.0f} MiB at start")

        clients, outcomes, elapsed = asyncio.run(hold_clients(url, args.clients, args.rounds))
        errors = sum(n for status, n in outcomes.items() if status != "200")
        print(
            f"\n1. {clients} concurrent clients x {args.rounds} requests: {sum(outcomes.values())} answered in "
            f"{elapsed:.1f} s, {errors} errors {dict(outcomes)}"
        )

        print(f"\n2. trivial ASK (uncached) while slow queries saturate the {WORKERS} workers, {args.seconds:g} s each")
        print(f"   {'slow clients':>12} {'trivial n':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  trivial statuses")
        baseline = None
        for slow in (0, WORKERS, 2 * WORKERS):
            latencies, statuses, slow_statuses = trivial_under_load(url, slow, args.seconds)
            p99 = percentile(latencies, 0.99)
            baseline = baseline or p99
            print(
                f"   {slow:>12} {len(latencies):>9} {percentile(latencies, 0.5):>8.1f} {p99:>8.1f} "
                f"{max(latencies):>8.1f}  {dict(statuses)}  (p99 x{p99 / baseline:.1f} of baseline; "
                f"slow queries answered {dict(slow_statuses)})"
            )

        before = rss_mib(pid)
        started = time.perf_counter()
        outcomes = mixed(url, args.requests, seconds=600)
        after = rss_mib(pid)
        print(
            f"\n3. {sum(outcomes.values())} mixed requests in {time.perf_counter() - started:.0f} s: "
            f"{dict(sorted(outcomes.items()))}"
        )
        print(f"   main-process RSS {before:.0f} MiB before, {after:.0f} MiB after ({after - before:+.0f} MiB)")


if __name__ == "__main__":
    main()
