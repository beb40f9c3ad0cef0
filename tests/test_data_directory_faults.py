"""A data directory that refuses writes: read-only from the start, turned read-only while
serving, and full. Each write really fails: the server runs in its own user and mount
namespace (`unshare -rm`, no privileges needed) over a read-only bind mount or a tmpfs too
small for the next generation; tests run as root, where a chmod would not stop a write.
The upload must answer 503 (read-only) or 507 (full) naming the directory, log no
traceback, leave no file behind, and work again once the directory can be written.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import seed_variants as v
from http_server import free_port

from servicegraph.store.revisions import RevisionStore

TOKEN = "fault-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Served:
    client: httpx.Client
    pid: int
    log: Path

    def run(self, command: str) -> None:
        """A shell command inside the server's namespaces (as its root)."""
        nsenter = ["nsenter", "-t", str(self.pid), "-U", "-m", "--preserve-credentials", "sh", "-c", command]
        done = subprocess.run(nsenter, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{command}: {done.stderr}"

    def files(self, directory: Path) -> set[str]:
        """Every path under `directory` as the server sees it (its mount namespace)."""
        root = Path(f"/proc/{self.pid}/root{directory}")
        return {str(p.relative_to(root)) for p in root.rglob("*")}


def _namespaces_work() -> bool:
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@contextmanager
def namespaced_server(data: Path, setup: str, log: Path) -> Iterator[Served]:
    """`servicegraph serve --data-dir data` in a new user and mount namespace, after `setup`."""
    assert _namespaces_work(), "these tests need unprivileged user namespaces (unshare -rm)"
    port = free_port()
    serve = f"{sys.executable} -m servicegraph serve --data-dir {data} --port {port} --upload-token {TOKEN} --workers 1"
    with open(log, "wb") as out:
        process = subprocess.Popen(["unshare", "-rm", "sh", "-c", f"{setup} && exec {serve}"], stdout=out, stderr=out)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deadline = time.monotonic() + 120
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                try:
                    if client.get("/api/revisions").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield Served(client, process.pid, log)
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture
def seeded(tmp_path: Path, seed_path: Path) -> Path:
    data = tmp_path / "data"
    with RevisionStore(data) as store:
        store.add(seed_path.read_bytes(), "seed.txt")
    return data


@pytest.fixture(scope="module")
def revision(seed_path: Path) -> bytes:
    return v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条")


def _upload(served: Served, data: bytes) -> httpx.Response:
    return served.client.post("/api/revisions", params={"name": "revised.txt"}, content=data, headers=AUTH)


def test_a_read_only_data_directory_is_served_and_refuses_uploads(tmp_path: Path, seeded: Path, revision: bytes):
    read_only = f"mount --bind {seeded} {seeded} && mount -o remount,ro,bind {seeded}"
    with namespaced_server(seeded, read_only, tmp_path / "log") as served:
        before = served.files(seeded)
        assert served.client.get("/api/services", params={"limit": 1}).json()["total"] == 98
        refused = _upload(served, revision)
        assert refused.status_code == 503
        assert refused.json()["error"] == (
            f"the data directory {seeded} is read-only: no revision can be added (数据目录只读)"
        )
        assert served.files(seeded) == before
        assert len(served.client.get("/api/revisions").json()["revisions"]) == 1
    assert "Traceback" not in (tmp_path / "log").read_text()


def test_a_directory_turned_read_only_while_serving(tmp_path: Path, seeded: Path, revision: bytes):
    # The server keeps its lock file open for writing, which a remount read-only of the
    # whole directory waits for ("busy"): the two folders a publish writes to turn read-only.
    folders = [seeded / "generations", seeded / "revisions"]
    binds = " && ".join(f"mount --bind {f} {f}" for f in folders)
    with namespaced_server(seeded, binds, tmp_path / "log") as served:
        before = served.files(seeded)
        served.run(" && ".join(f"mount -o remount,ro,bind {f}" for f in folders))
        refused = _upload(served, revision)
        assert refused.status_code == 503
        error = refused.json()["error"]
        assert error.startswith(f"cannot write to the data directory {seeded} (") and "Read-only file system" in error
        assert served.files(seeded) == before
        served.run(" && ".join(f"mount -o remount,rw,bind {f}" for f in folders))
        assert _upload(served, revision).status_code == 201  # nothing left in the way
    assert "Traceback" not in (tmp_path / "log").read_text()


def test_a_full_data_directory_answers_507(tmp_path: Path, seeded: Path, revision: bytes):
    disk = tmp_path / "disk"  # a tmpfs of 32 MiB: the seed's generation takes about 3.4 MB
    disk.mkdir()
    data = disk / "data"
    setup = f"mount -t tmpfs -o size=32m tmpfs {disk} && cp -a {seeded} {data}"
    with namespaced_server(data, setup, tmp_path / "log") as served:
        before = served.files(disk)
        # fill it but 1000 KiB: less than the next generation needs
        served.run(
            f"dd if=/dev/zero of={disk}/filler bs=1k count=$(( $(df -k --output=avail {disk} | tail -1) - 1000 ))"
        )
        refused = _upload(served, revision)
        assert refused.status_code == 507
        error = refused.json()["error"]
        assert error.startswith(f"no space left in the data directory {data} (") and "No space left on device" in error
        assert served.files(disk) == before | {"filler"}
        served.run(f"rm {disk}/filler")
        assert _upload(served, revision).status_code == 201
    assert "Traceback" not in (tmp_path / "log").read_text()
