"""A publish interrupted at each of its steps (store/revisions.py STEPS).

Crash: another process adds a revision and kills itself with SIGKILL when the store's
step hook reaches the named point (tests/publish_until.py), so none of its cleanup runs. Failure: the hook
raises in-process instead. Either way the directory must then say one thing: the pointer
names a whole generation, the listing holds exactly the revisions that generation holds,
nothing else is left, and uploading the revision again works.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_variants as v

from servicegraph.store.revisions import STEPS, RevisionExists, RevisionStore

DATASET = "SELECT ?rev { ?rev a <http://www.w3.org/ns/dcat#Dataset> }"
LEFT = {  # what each crash leaves beside the seed's files (`*`: the staging directory's random part)
    "generation-copied": {"generations/2"},
    "writing-generation": {"generations/2"},
    "generation-written": {"generations/2"},
    "statistics-written": {"generations/2", "generations/2.json"},
    "revision-staged": {"generations/2", "generations/2.json", "revisions/.ID.*"},
    "revision-saved": {"generations/2", "generations/2.json", "revisions/ID"},
    "pointer-flipped": {"generations/2", "generations/2.json", "revisions/ID"},
}


def _files(directory: Path, revision_id: str) -> set[str]:
    names = {f"{d}/{p.name}" for d in ("generations", "revisions") for p in (directory / d).iterdir()}
    return {re.sub(rf"^revisions/\.{revision_id}\..*", "revisions/.ID.*", n).replace(revision_id, "ID") for n in names}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, seed_path: Path) -> Path:
    """A data directory holding the seed as its only revision (generation 1)."""
    directory = tmp_path_factory.mktemp("seeded") / "data"
    with RevisionStore(directory) as store:
        store.add(seed_path.read_bytes(), "seed.txt")
    return directory


@pytest.fixture(scope="module")
def revised(seed_path: Path, seed_catalogue) -> bytes:
    return v.item_removed(seed_path, seed_catalogue, 5)


def _raise_at(step: str):
    def hook(name: str) -> None:
        if name == step:
            raise RuntimeError(f"failed at {step}")

    return hook


def _crash_while_adding(directory: Path, data: bytes, step: str) -> int:
    """Add `data` in another process killed at `step` (tests/publish_until.py); its exit code."""
    upload = directory.parent / "revised.txt"
    upload.write_bytes(data)
    command = [sys.executable, str(Path(__file__).parent / "publish_until.py"), str(directory), str(upload), step]
    return subprocess.run(command, timeout=300).returncode


def _default_graph_revision(path: Path) -> list[str]:
    store = ox.Store.read_only(str(path))
    try:
        return [row["rev"].value for row in store.query(DATASET)]
    finally:
        del store


def assert_consistent(store: RevisionStore) -> None:
    """The pointer, the generations, the revisions on disk and the listing agree."""
    directory = store.directory
    pointer = json.loads((directory / "current").read_text(encoding="utf-8"))
    generation = pointer["generation"]
    generations = store.generations()  # older ones stay until the server prunes them
    assert max(generations) == generation
    assert sorted(p.name for p in (directory / "generations").iterdir()) == sorted(
        [str(g) for g in generations] + [f"{g}.json" for g in generations]
    )
    assert [p.name for p in directory.glob(".*")] == [] and [p.name for p in (directory / "revisions").glob(".*")] == []
    snapshot = store.current_snapshot()
    assert snapshot.generation == generation
    listed = store.revisions()
    assert {p.name for p in (directory / "revisions").iterdir()} == {m.id for m in listed}
    published = {g for g, _ in snapshot.statistics.graphs} - {store.metadata_graph, store.changes_graph}
    assert {m.iri for m in listed if m.status == "accepted"} == published
    assert all(m.generation <= generation for m in listed if m.status == "accepted")
    current = store.get("current")
    assert current.id == pointer["revision"] and current.generation == generation
    assert _default_graph_revision(snapshot.path) == [current.iri]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_each_step_is_finished_or_rolled_back_on_reopening(
    tmp_path: Path, seeded: Path, revised: bytes, step: str
) -> None:
    directory = tmp_path / "data"
    shutil.copytree(seeded, directory)
    with RevisionStore(directory, read_only=True) as before:
        seed_id = before.current_id()
    revised_id = hashlib.sha256(revised).hexdigest()[:12]
    before = _files(directory, revised_id)
    assert _crash_while_adding(directory, revised, step) == -signal.SIGKILL  # it died at the step
    assert _files(directory, revised_id) - before == LEFT[step]
    with RevisionStore(directory) as store:  # the next server on the directory
        assert store.generations() == [json.loads((directory / "current").read_text())["generation"]]
        assert_consistent(store)
        if step == "pointer-flipped":  # published before the crash: it stays, and is a duplicate
            assert store.get("current").source == "revised.txt"
            with pytest.raises(RevisionExists):
                store.add(revised, "again.txt")
            return
        assert store.current_id() == seed_id and [m.id for m in store.revisions()] == [seed_id]
        again = store.add(revised, "again.txt")  # no phantom: uploading it again works
        assert again.snapshot is not None and again.meta.generation == 2
        assert store.current_id() == again.meta.id
        assert_consistent(store)


@pytest.mark.parametrize("step", STEPS[:-1])  # the last is after the pointer flipped
def test_a_failure_at_each_step_leaves_the_store_as_it_was(
    tmp_path: Path, seeded: Path, revised: bytes, step: str
) -> None:
    directory = tmp_path / "data"
    shutil.copytree(seeded, directory)
    with RevisionStore(directory) as store:
        seed_id = store.current_id()
        store.step = _raise_at(step)
        with pytest.raises(RuntimeError, match=step):
            store.add(revised, "revised.txt")
        assert_consistent(store)  # without reopening: the add removed what it wrote
        assert [m.id for m in store.revisions()] == [seed_id]
        store.step = _raise_at("none")
        assert store.add(revised, "again.txt").meta.generation == 2
        assert_consistent(store)
