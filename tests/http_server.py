"""Run an ASGI app with uvicorn in a background thread on 127.0.0.1 and a free port."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def serving(source: Path) -> Iterator[httpx.Client]:
    """`source` loaded and served as `servicegraph serve` does (one worker, default
    cache); a client whose base URL is the server's root."""
    from api.app import create_app
    from api.cache import DEFAULT_CACHE_BYTES, cached
    from api.worker import WorkerPool
    from servicegraph.commands.serve import load_snapshot

    with tempfile.TemporaryDirectory(prefix="servicegraph-test-") as state:
        pool = WorkerPool(load_snapshot(source, Path(state) / "generation-1"), size=1)
        with running(create_app(cached(pool, DEFAULT_CACHE_BYTES))) as base, httpx.Client(
            base_url=base, timeout=30
        ) as client:
            yield client
