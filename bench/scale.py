"""How each stage grows with the catalogue, at 1×, 10×, 100× (and 1000×) the seed.

    .venv/bin/python bench/scale.py [--sizes 1 10 100] [--validate-up-to 100] [--seconds 20]

Each size is bench/catalogues.py's `multiplied` catalogue (the seed's rows that many
times, every copy numbered on and named apart) and runs in a child process of its own,
so its peak memory (`ru_maxrss`) is its own. The stages, timed once each: parse
(`parse_catalogue`), build (`build_graph`: the rdflib graph in memory; no export),
validate (`validate`: the SHACL shapes; skipped past `--validate-up-to`, it needs ~10 GB
at 1000×), load into the embedded store (`snapshot_from_graph`) and into an Oxigraph
server (`oxigraph serve`, over the Graph Store HTTP Protocol: `publish_snapshot`, as
`servicegraph push` does). Then the flagship API requests, through the whole app with the
results cache off, on the embedded store (one query worker) and on the Oxigraph server:
each repeated for up to `--seconds` (at least 3 times), p50 and p99 in milliseconds; an
answer other than 200 is printed as its status. Last, the growth factor of each figure
from one size to the next beside the size's own (linear: the two agree).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from catalogues import multiplied  # bench/catalogues.py (the script's directory)

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
REQUESTS = {
    "shared, rolled up": "/api/provisions/shared?rollup=true&limit=50",
    "shared": "/api/provisions/shared?limit=50",
    "statute 电力法": "/api/statutes/中华人民共和国电力法",
}
STAGES = ("parse", "build", "validate", "load embedded", "load oxigraph")
T = TypeVar("T")


def timed(stages: dict[str, float | None], name: str, fn: Callable[..., T], *args: Any) -> T:
    gc.collect()
    started = time.perf_counter()
    result = fn(*args)
    stages[name] = time.perf_counter() - started
    return result


def peak_mb(pid: int | None = None) -> float:
    """Peak resident memory of this process, or of process `pid` (VmHWM), in MB."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_size(copies: int, validate_up_to: int, seconds: float) -> dict[str, Any]:
    """Every stage at `copies`× the seed (in this process: the child's work)."""
    from servicegraph.graph.build import build_graph
    from servicegraph.graph.namespaces import DEFAULT_BASE
    from servicegraph.graph.validate import validate
    from servicegraph.loaders.catalogue import parse_catalogue
    from servicegraph.store.graph_store import GraphStore, publish_snapshot
    from servicegraph.store.snapshots import snapshot_from_graph

    data = multiplied(SEED.read_bytes(), copies)
    stages: dict[str, float | None] = dict.fromkeys(STAGES)
    catalogue = timed(stages, "parse", parse_catalogue, data, SEED.name)
    graph = timed(stages, "build", build_graph, catalogue)
    triples, items = len(graph), len(catalogue.items)
    if copies <= validate_up_to:
        timed(stages, "validate", validate, graph)
    with tempfile.TemporaryDirectory(prefix="scale-") as directory:
        snapshot = timed(stages, "load embedded", snapshot_from_graph, Path(directory) / "s", 1, graph)
        del graph, catalogue
        gc.collect()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "oxigraph"), "serve",
             "--location", str(Path(directory) / "oxigraph"), "--bind", f"127.0.0.1:{_free_port()}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            url = _wait_for(server)
            with GraphStore(f"{url}/store") as graph_store:
                timed(stages, "load oxigraph", publish_snapshot, graph_store, snapshot, DEFAULT_BASE)
            queries = {
                "embedded": asyncio.run(_requests(_embedded(snapshot), seconds)),
                "oxigraph": asyncio.run(_requests(_remote(f"{url}/query", DEFAULT_BASE), seconds)),
            }
            server_peak = peak_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return {
        "copies": copies, "items": items, "triples": triples,
        "stages": stages, "peak_mb": peak_mb(), "oxigraph_peak_mb": server_peak, "queries": queries,
    }  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(server: subprocess.Popen) -> str:
    """The server's URL once it answers (its --bind argument)."""
    url = "http://" + server.args[server.args.index("--bind") + 1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the Oxigraph server did not start: {server.stderr.read() if server.stderr else ''}")


def _embedded(snapshot):
    from servicegraph.store.workers import WorkerPool

    return WorkerPool(snapshot, size=1, timeout=60)


def _remote(query_url: str, base: str):
    from servicegraph.store.remote import RemoteEngine

    return RemoteEngine(query_url, base=base, timeout=60)


async def _requests(engine, seconds: float) -> dict[str, list[float] | int]:
    """Latencies (ms) of each of `REQUESTS` through the app on `engine`, no results cache;
    the status instead when one is not 200."""
    from servicegraph.api.app import create_app
    from servicegraph.api.settings import Settings

    app = create_app(engine, Settings(cache_bytes=0, timeout=60))
    await engine.start()
    out: dict[str, list[float] | int] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            for name, path in REQUESTS.items():
                samples: list[float] = []
                stop = time.perf_counter() + seconds
                while len(samples) < 3 or time.perf_counter() < stop:
                    started = time.perf_counter()
                    answer = await client.get(path)
                    samples.append((time.perf_counter() - started) * 1000)
                    if answer.status_code != 200:
                        out[name] = answer.status_code
                        break
                else:
                    out[name] = sorted(samples)
    finally:
        await engine.close()
    return out


def percentile(samples: list[float], p: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * p))]


def _latency(value: list[float] | int) -> tuple[str, str]:
    if isinstance(value, int):
        return f"({value})", f"({value})"
    return f"{percentile(value, 0.5):.0f}", f"{percentile(value, 0.99):.0f}"


def report(results: list[dict[str, Any]]) -> None:
    print(f"{'size':>6} {'items':>7} {'triples':>10} " + " ".join(f"{s + ' s':>16}" for s in STAGES)
          + f" {'peak MB':>8} {'oxigraph MB':>12}")  # fmt: skip
    for r in results:
        stages = " ".join(f"{'—' if r['stages'][s] is None else format(r['stages'][s], '.2f'):>16}" for s in STAGES)
        print(f"{r['copies']:>5}× {r['items']:>7} {r['triples']:>10} {stages} {r['peak_mb']:>8.0f} "
              f"{r['oxigraph_peak_mb']:>12.0f}")  # fmt: skip
    print("\nflagship requests through the app, results cache off: p50 / p99 ms ((status) when not 200)")
    engines = ("embedded", "oxigraph")
    print(f"{'size':>6} " + " ".join(f"{name + ' · ' + e:>34}" for name in REQUESTS for e in engines))
    for r in results:
        cells = []
        for name in REQUESTS:
            for engine in engines:
                p50, p99 = _latency(r["queries"][engine][name])
                cells.append(f"{p50 + ' / ' + p99:>34}")
        print(f"{r['copies']:>5}× " + " ".join(cells))
    print("\ngrowth factor from one size to the next (linear: the same as the size's)")
    for a, b in itertools.pairwise(results):
        factors = [f"size {b['copies'] / a['copies']:g}×", f"triples {b['triples'] / a['triples']:.1f}×"]
        for s in STAGES:
            if a["stages"][s] and b["stages"][s]:
                factors.append(f"{s} {b['stages'][s] / a['stages'][s]:.1f}×")
        factors.append(f"peak MB {b['peak_mb'] / a['peak_mb']:.1f}×")
        for name in REQUESTS:
            for engine in engines:
                x, y = a["queries"][engine][name], b["queries"][engine][name]
                if isinstance(x, list) and isinstance(y, list):
                    factors.append(f"{name} · {engine} p50 {percentile(y, 0.5) / percentile(x, 0.5):.1f}×")
        print(f"{a['copies']}× → {b['copies']}×: " + ", ".join(factors))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--validate-up-to", type=int, default=100, help="skip validation past this size")
    parser.add_argument("--seconds", type=float, default=20.0, help="per request, size and engine")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.validate_up_to, args.seconds)))
        return 0
    results = []
    for copies in args.sizes:
        command = [sys.executable, __file__, "--one", str(copies), "--validate-up-to", str(args.validate_up_to),
                   "--seconds", str(args.seconds)]  # fmt: skip
        child = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(child.stdout.splitlines()[-1]))
        print(f"{copies}× done", file=sys.stderr)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
