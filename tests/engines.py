"""The engines the API's tests run on: the embedded store, and an Oxigraph server
(`oxigraph serve` from the `oxigraph` package) started on a temporary directory and a
free port, and stopped when the block ends."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from http_server import free_port

ENGINES = ("embedded", "oxigraph")
"""Parameters of a test that runs on each engine."""


@dataclass(frozen=True)
class OxigraphServer:
    url: str
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def settings(self) -> dict[str, Any]:
        """`Settings` fields serving on this server."""
        return {"sparql_endpoint": self.query_url, "store_endpoint": self.store_url}


def _binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no `oxigraph` command: pip install -e '.[test]' installs it")
    return found


@contextmanager
def oxigraph_server(directory: Path, *extra: str) -> Iterator[OxigraphServer]:
    """`oxigraph serve` on `directory` until the block ends; waits until it answers."""
    port = free_port()
    command = [_binary(), "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}", *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 30
        while not _answers(server):
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
                raise RuntimeError(f"the Oxigraph server did not start: {stderr}")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(server: OxigraphServer) -> bool:
    try:
        return httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def engine_settings(engine: str, directory: Path) -> Iterator[dict[str, Any]]:
    """`Settings` fields serving on `engine` (one of `ENGINES`); an Oxigraph server keeps
    its data in `directory` and runs until the block ends."""
    if engine == "embedded":
        yield {}
        return
    with oxigraph_server(directory) as server:
        yield server.settings()
