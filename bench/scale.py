"""How each stage grows with the catalogue, at 1×, 10×, 100× (and 1000×) the seed.

    .venv/bin/python bench/scale.py [--sizes 1 10 100] [--validate-up-to 100] [--seconds 20] [--readme]

Each size is bench/catalogues.py's `multiplied` catalogue (the seed's rows that many
times, every copy numbered on and named apart) and runs in a child process of its own,
so its peak memory (`ru_maxrss`) is its own. The stages, timed once each: parse
(`parse_catalogue`); build (`CatalogueTriples` written as N-Triples lines, no store);
build+load (the same stream into the embedded store, `snapshot_from_layers`: what
`serve FILE` and `push` do, so it includes a second build); load into an Oxigraph server
(`oxigraph serve`, over the Graph Store HTTP Protocol: `publish_snapshot`, as
`servicegraph push` does). Validate: `validate_store` (the shapes compiled to SPARQL) over
the snapshot build+load wrote, on disk, so its memory stays bounded; skipped past
`--validate-up-to`, and the Oxigraph server past `--oxigraph-up-to` (its load over HTTP
takes the longest). End to end is parse + build+load + validate: a catalogue read,
stored and checked once. Then the flagship API requests, through the whole
app with the results cache off, on the embedded store (one query worker) and on the
Oxigraph server: each repeated for up to `--seconds` (at least 3 times), p50 and p99 in
milliseconds; an answer other than 200 is printed as its status. Last, the growth factor
of each figure from one size to the next beside the size's own (linear: the two agree).

`--readme` also writes the figures into README.md between its `scale.py figures` markers.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from catalogues import multiplied  # bench/catalogues.py (the script's directory)
from servers import free_port, serving

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
REQUESTS = {
    "shared, rolled up": "/api/provisions/shared?rollup=true&limit=50",
    "shared": "/api/provisions/shared?limit=50",
    "statute 电力法": "/api/statutes/中华人民共和国电力法",
}
STAGES = ("parse", "build", "validate", "build+load", "load oxigraph", "end to end")
README = Path(__file__).resolve().parent.parent / "README.md"
MARKERS = ("<!-- scale.py figures: bench/scale.py --readme rewrites this block -->", "<!-- end of scale.py figures -->")
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


def one_size(copies: int, seconds: float, oxigraph: bool, validate: bool) -> dict[str, Any]:
    """Every stage at `copies`× the seed (in this process: the child's work); validation
    only when `validate`, the Oxigraph server's only when `oxigraph`."""
    import pyoxigraph as ox

    from servicegraph.graph import ntriples
    from servicegraph.graph.build import CatalogueTriples
    from servicegraph.graph.namespaces import DEFAULT_BASE
    from servicegraph.graph.validate import validate_store
    from servicegraph.loaders.catalogue import parse_catalogue
    from servicegraph.store.graph_store import GraphStore, publish_snapshot
    from servicegraph.store.snapshots import snapshot_from_layers

    data = multiplied(SEED.read_bytes(), copies)
    stages: dict[str, float | None] = dict.fromkeys(STAGES)
    catalogue = timed(stages, "parse", parse_catalogue, data, SEED.name)
    items = len(catalogue.items)
    built = CatalogueTriples(catalogue)
    timed(stages, "build", _count, ntriples.lines(built))
    with tempfile.TemporaryDirectory(prefix="scale-") as directory:
        snapshot = timed(
            stages, "build+load", snapshot_from_layers, Path(directory) / "s", 1, [(built.revision, built)]
        )
        revision = ox.NamedNode(str(built.revision))
        del built, catalogue
        if validate:
            timed(stages, "validate", validate_store, ox.Store.read_only(str(snapshot.path)), revision)
        gc.collect()
        queries = {"embedded": asyncio.run(_requests(_embedded(snapshot), seconds))}
        if not oxigraph:
            return _result(copies, items, snapshot.statistics.triples, stages, queries, None)
        bind = f"127.0.0.1:{free_port()}"
        url = f"http://{bind}"
        command = [str(Path(sys.executable).parent / "oxigraph"), "serve",
                   "--location", str(Path(directory) / "oxigraph"), "--bind", bind]  # fmt: skip
        with serving(command, f"{url}/query", timeout=60) as server:
            with GraphStore(f"{url}/store") as graph_store:
                timed(stages, "load oxigraph", publish_snapshot, graph_store, snapshot, DEFAULT_BASE)
            queries["oxigraph"] = asyncio.run(_requests(_remote(f"{url}/query", DEFAULT_BASE), seconds))
            server_peak = peak_mb(server.pid)
    return _result(copies, items, snapshot.statistics.triples, stages, queries, server_peak)


def _result(
    copies: int, items: int, triples: int, stages: dict[str, float | None], queries: dict[str, Any],
    server_peak: float | None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "copies": copies, "items": items, "triples": triples,
        "stages": stages, "peak_mb": peak_mb(), "oxigraph_peak_mb": server_peak, "queries": queries,
    }  # fmt: skip


def _count(lines: Iterator[str]) -> int:
    return sum(1 for _ in lines)


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


def report(results: list[dict[str, Any]]) -> str:
    out = [f"{'size':>6} {'items':>7} {'triples':>10} " + " ".join(f"{s + ' s':>13}" for s in STAGES)
           + f" {'peak MB':>8} {'oxigraph MB':>12}"]  # fmt: skip
    for r in results:
        stages = " ".join(f"{'—' if r['stages'][s] is None else format(r['stages'][s], '.2f'):>13}" for s in STAGES)
        oxigraph_mb = "—" if r["oxigraph_peak_mb"] is None else f"{r['oxigraph_peak_mb']:.0f}"
        out.append(f"{r['copies']:>5}× {r['items']:>7} {r['triples']:>10} {stages} {r['peak_mb']:>8.0f} "
                   f"{oxigraph_mb:>12}")  # fmt: skip
    out.append("\nflagship requests through the app, results cache off: p50 / p99 ms ((status) when not 200)")
    engines = ("embedded", "oxigraph")
    out.append(f"{'size':>6} " + " ".join(f"{name + ' · ' + e:>34}" for name in REQUESTS for e in engines))
    for r in results:
        cells = []
        for name in REQUESTS:
            for engine in engines:
                p50, p99 = _latency(r["queries"][engine][name]) if engine in r["queries"] else ("—", "—")
                cells.append(f"{p50 + ' / ' + p99:>34}")
        out.append(f"{r['copies']:>5}× " + " ".join(cells))
    out.append("\ngrowth factor from one size to the next (linear: the same as the size's)")
    for a, b in itertools.pairwise(results):
        factors = [f"size {b['copies'] / a['copies']:g}×", f"triples {b['triples'] / a['triples']:.1f}×"]
        for s in STAGES:
            if a["stages"][s] and b["stages"][s]:
                factors.append(f"{s} {b['stages'][s] / a['stages'][s]:.1f}×")
        factors.append(f"peak MB {b['peak_mb'] / a['peak_mb']:.1f}×")
        for name in REQUESTS:
            for engine in engines:
                x, y = a["queries"].get(engine, {}).get(name), b["queries"].get(engine, {}).get(name)
                if isinstance(x, list) and isinstance(y, list):
                    factors.append(f"{name} · {engine} p50 {percentile(y, 0.5) / percentile(x, 0.5):.1f}×")
        out.append(f"{a['copies']}× → {b['copies']}×: " + ", ".join(factors))
    return "\n".join(out)


def write_readme(figures: str, command: str, load: str) -> None:
    """Replace the figures between README.md's markers."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(MARKERS[0]) + len(MARKERS[0]), text.index(MARKERS[1])
    block = f"\n`{command}`, load average {load}:\n\n```\n{figures}\n```\n"
    README.write_text(text[:start] + block + text[end:], encoding="utf-8")


def _child(*args: str) -> dict[str, Any]:
    command = [sys.executable, __file__, *args]
    child = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{child.stderr}")
    return json.loads(child.stdout.splitlines()[-1])


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--validate-up-to", type=int, default=100, help="skip validation past this size")
    parser.add_argument("--oxigraph-up-to", type=int, default=100, help="skip the Oxigraph server past this size")
    parser.add_argument("--seconds", type=float, default=20.0, help="per request, size and engine")
    parser.add_argument("--readme", action="store_true", help="write the figures into README.md too")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's size
    parser.add_argument("--oxigraph", action="store_true", help=argparse.SUPPRESS)  # the child loads the server
    parser.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)  # the child validates
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.seconds, args.oxigraph, args.validate)))
        return 0
    load_before = _load_average()
    results = []
    for copies in args.sizes:
        oxigraph = ["--oxigraph"] if copies <= args.oxigraph_up_to else []
        validate = ["--validate"] if copies <= args.validate_up_to else []
        result = _child("--one", str(copies), "--seconds", str(args.seconds), *oxigraph, *validate)
        stages = result["stages"]
        if stages["validate"] is not None:
            stages["end to end"] = stages["parse"] + stages["validate"] + stages["build+load"]
        results.append(result)
        print(f"{copies}× done", file=sys.stderr)
    figures = report(results)
    print(figures)
    if args.readme:
        sizes = " ".join(map(str, args.sizes))
        command = (
            f"bench/scale.py --sizes {sizes} --validate-up-to {args.validate_up_to}"
            f" --oxigraph-up-to {args.oxigraph_up_to} --seconds {args.seconds:g}"
        )
        write_readme(figures, command, f"{load_before} before, {_load_average()} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
