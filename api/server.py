"""The composition root: `served_app(settings)` builds the app `servicegraph serve` runs.

It loads the data (a catalogue or dump into a temporary snapshot, or a revision store),
starts nothing itself (the app's lifespan starts the worker pool), and removes the
temporary snapshot when the block ends. The serve command, the tests and the benchmarks
all build their server here.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from fastapi import FastAPI
from rdflib import Graph

from servicegraph.api.app import create_app
from servicegraph.api.settings import Settings
from servicegraph.graph.status import status_layer
from servicegraph.loaders.status import SHIPPED, read_status, shipped_status
from servicegraph.store import sandbox
from servicegraph.store.cache import cached
from servicegraph.store.revisions import RevisionStore, StatusExists, open_store
from servicegraph.store.snapshots import load_source
from servicegraph.store.workers import WorkerPool

log = logging.getLogger("servicegraph.serve")


@contextmanager
def served_app(settings: Settings) -> Iterator[FastAPI]:
    """The app serving `settings`' data; raises `RevisionError`, `OSError`, `CatalogueError`
    or `DumpError` when the data cannot be loaded, `ValueError` when there is none, and
    `SandboxUnavailable` when query workers cannot be kept off the network (unless
    `settings.allow_network_in_workers`)."""
    _check_sandbox(settings)
    with ExitStack() as stack:
        revisions: RevisionStore | None = None
        if settings.data_dir is not None:
            revisions = open_store(settings.data_dir, settings.source, settings.base)
            _add_status_files(revisions, settings.status)
            snapshot = revisions.current_snapshot()
            log.info(
                "serving %s: current revision %s, %d revisions; uploads %s", settings.data_dir,
                revisions.current_id(), len(revisions.revisions()),
                "enabled" if settings.upload_token else "disabled",
            )  # fmt: skip
        elif settings.source is not None:
            state = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servicegraph-")))
            snapshot = load_source(
                settings.source, state / "generation-1", settings.served_base, settings.catalogue_date,
                _status_layer(settings.status, settings.served_base),
            )  # fmt: skip
            stats = snapshot.statistics
            log.info("serving %s: %d triples, %d named graphs", settings.source, stats.triples, len(stats.graphs))
        else:
            raise ValueError("give a catalogue file or an RDF dump, or a data directory")
        pool = WorkerPool(
            snapshot, size=settings.workers, timeout=settings.timeout, max_result_bytes=settings.max_result_bytes,
            max_memory=settings.max_worker_memory, allow_network=settings.allow_network_in_workers,
        )  # fmt: skip
        yield create_app(cached(pool, settings.cache_bytes), settings, revisions)


def _status_layer(files: tuple[Path, ...] | None, base: str) -> Callable[[Graph], Graph] | None:
    """What makes the status layer of a served catalogue: of `files`, () the shipped table."""
    if files is None:
        return None
    tables = [read_status(f) for f in files] or None
    return lambda catalogue: status_layer(catalogue, tables, base)


def _add_status_files(revisions: RevisionStore, files: tuple[Path, ...] | None) -> None:
    """Add the status files (() the shipped table) to the store, unless they are there."""
    if files is None:
        return
    if files:
        entries = [(read_status(f), f.read_bytes(), False) for f in files]
    else:
        entries = [(shipped_status(), SHIPPED.read_bytes(), True)]
    for table, data, cited_only in entries:
        try:
            revisions.add_status(table, data, cited_only=cited_only)
        except StatusExists:
            continue


def _check_sandbox(settings: Settings) -> None:
    reason = sandbox.unavailable_reason()
    if reason is None:
        return
    if not settings.allow_network_in_workers:
        raise sandbox.SandboxUnavailable(
            f"query workers cannot be kept off the network here ({reason}): a SERVICE query could reach "
            "any host this machine can. Serve on Linux with libseccomp2, or accept the risk with "
            "--allow-network-in-workers"
        )
    log.warning(
        "WARNING: query workers are NOT sandboxed (%s): a SERVICE query can make this server connect to any "
        "host it can reach; only the query check stands in the way (--allow-network-in-workers)",
        reason,
    )
