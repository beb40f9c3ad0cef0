"""`servicegraph serve` against rdflib-endpoint, side by side on the same seed dump.

Starts both servers on 127.0.0.1, sends each the same queries of bench/queries/ (the
flagship shared-provision query, a statute lookup, a DESCRIBE) from a few concurrent
HTTP clients, and prints requests per second, p50/p99 latency and the ratio.

    .venv/bin/python bench/serve.py [--seconds 4] [--clients 4]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.build import build_graph  # noqa: E402
from loaders.catalogue import read_catalogue  # noqa: E402

BIN = Path(sys.executable).parent
SEED = ROOT / "data" / "dianjiang-township-services.txt"
QUERIES = sorted((ROOT / "bench" / "queries").glob("*.rq"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(command: list[str], url: str) -> Iterator[str]:
    """Run `command` until the block ends, once `url` answers an ASK."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(url: str, query: str, seconds: float, clients: int) -> tuple[float, list[float]]:
    """Requests per second and sorted latencies (ms) of `clients` clients for `seconds`."""
    latencies: list[float] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = http.post(url, data={"query": query}, headers={"Accept": "*/*"})
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    failures.append(response.status_code)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{url} answered {failures[:3]}")
    return len(latencies) / (time.monotonic() - started), sorted(latencies)


def percentile(samples: list[float], p: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * p))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per server and query")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        dump = Path(directory) / "seed.ttl"
        build_graph(read_catalogue(SEED)).serialize(dump, format="turtle")
        ours, peer = free_port(), free_port()
        urls = {
            "servicegraph": stack.enter_context(
                server([str(BIN / "servicegraph"), "serve", str(dump), "--port", str(ours)], f"http://127.0.0.1:{ours}/sparql")
            ),
            "rdflib-endpoint": stack.enter_context(
                server(
                    [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(peer)],
                    f"http://127.0.0.1:{peer}/",
                )
            ),
        }
        print(f"seed dump {dump.stat().st_size} bytes; {args.clients} clients, {args.seconds:g} s per server and query")
        print(f"{'query':20} {'server':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
        for path in QUERIES:
            query = path.read_text(encoding="utf-8")
            rates = {}
            for name, url in urls.items():
                rate, samples = load(url, query, args.seconds, args.clients)
                rates[name] = rate
                print(f"{path.stem:20} {name:16} {rate:8.1f} {percentile(samples, 0.5):8.2f} "
                      f"{percentile(samples, 0.99):8.2f} {len(samples):9d}")
            print(f"{path.stem:20} {'ratio':16} {rates['servicegraph'] / rates['rdflib-endpoint']:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
