"""Run an ASGI app with uvicorn in a background thread on 127.0.0.1 and a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
def serving(source: Path, **settings: Any) -> Iterator[httpx.Client]:
    """`source` served as `servicegraph serve` serves it (one worker unless `settings` say
    otherwise); a client whose base URL is the server's root."""
    from servicegraph.api.server import served_app
    from servicegraph.api.settings import Settings

    with (
        served_app(Settings(source=source, **{"workers": 1, **settings})) as app,
        running(app) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client
