"""Each page against the API calls behind it, on the seed and on a 100× catalogue.

A page is a few named queries plus rendering: its time should be the time of the /api/
requests that carry the same queries, plus a little. The server runs in process on
127.0.0.1 with the shipped statute status table (so /review and the 需复核 badges have
something to show), its results cache off (`cache_bytes=0`: every request runs its queries)
and one query worker; each URL is fetched `--repeat` times after a warm-up and the
median is kept. Prints, per page, the page's median, the sum of its API calls' medians,
and their ratio.

    .venv/bin/python bench/pages.py [--copies 1 100] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from catalogues import multiplied  # bench/catalogues.py (the script's directory)
from servers import free_port  # bench/servers.py

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
LAW = "中华人民共和国电力法"
AGENCY = "国网重庆市电力公司"
PAGES: dict[str, list[str]] = {
    "/": ["/api/provisions/shared?rollup=true&limit=5"],
    "/search?q=电力法": ["/api/statutes?q=电力法", "/api/services?q=电力法", "/api/agencies?q=电力法"],
    f"/statutes/{LAW}": [f"/api/statutes/{LAW}", f"/api/review/statutes/{LAW}"],
    f"/statutes/{LAW}/art_26": [f"/api/statutes/{LAW}"],
    f"/impact?target={LAW}": [f"/api/statutes/{LAW}"],
    "/services/44": ["/api/services/44", "/api/services/44/related?limit=20", "/api/review/services/44"],  # + 3 more
    f"/agencies/{AGENCY}": [f"/api/agencies/{AGENCY}?limit=1000"],
    "/levels/township": ["/api/levels/township/services?limit=1000"],
    "/shared": ["/api/provisions/shared?rollup=true&limit=1000"],
    "/services": ["/api/services?limit=1000"],
    "/review": ["/api/review"],  # + the agencies of each document to review (statute-services)
}
HTML = {"Accept": "text/html"}


def median_ms(client: httpx.Client, url: str, repeat: int, headers: dict[str, str] | None = None) -> float:
    response = client.get(url, headers=headers)  # warm-up
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(source: Path, repeat: int) -> None:
    with served_app(Settings(source=source, workers=1, cache_bytes=0, status=())) as app:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                print(f"{'page':34} {'page ms':>9} {'API ms':>9} {'ratio':>6}")
                for page, calls in PAGES.items():
                    page_ms = median_ms(client, page, repeat, HTML)
                    api_ms = sum(median_ms(client, call, repeat) for call in calls)
                    print(f"{page:34} {page_ms:9.1f} {api_ms:9.1f} {page_ms / api_ms:6.2f}")
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    for copies in args.copies:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
            source = Path(tmp) / f"seed-x{copies}.txt"
            source.write_bytes(multiplied(SEED.read_bytes(), copies))
            print(f"\nthe seed's rows ×{copies}")
            run(source, args.repeat)


if __name__ == "__main__":
    main()
