"""The composition root: `served_app(settings)` builds the app `servicegraph serve` runs.

It loads the data (a catalogue or dump into a temporary snapshot, or a revision store),
picks the engine (the worker pool over the embedded store, or a remote engine with
`sparql_endpoint`, onto which the data is first copied), starts nothing itself (the
app's lifespan starts the engine), and removes the temporary snapshot when the block
ends. The serve command, the tests and the benchmarks all build their server here.
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
from servicegraph.graph.status import DocumentIndex, status_layer_of
from servicegraph.loaders.status import SHIPPED, read_status, shipped_status
from servicegraph.store import sandbox
from servicegraph.store.cache import PublishingEngine, cached
from servicegraph.store.engine import Snapshot
from servicegraph.store.graph_store import GraphStore, publish_snapshot
from servicegraph.store.remote import RemoteEngine
from servicegraph.store.revisions import RevisionStore, StatusExists, open_store
from servicegraph.store.snapshots import load_source
from servicegraph.store.workers import WorkerPool

log = logging.getLogger("servicegraph.serve")


@contextmanager
def served_app(settings: Settings) -> Iterator[FastAPI]:
    """The app serving `settings`' data; raises `RevisionError`, `OSError`, `CatalogueError`
    or `DumpError` when the data cannot be loaded, `EngineUnavailable` when the remote
    engine cannot take it, `ValueError` when there is none, and `SandboxUnavailable` when
    query workers cannot be kept off the network (unless `settings.allow_network_in_workers`)."""
    if settings.sparql_endpoint is None:
        _check_sandbox(settings)
    with ExitStack() as stack:
        revisions: RevisionStore | None = None
        snapshot: Snapshot | None = None
        if settings.data_dir is not None:
            revisions = stack.enter_context(open_store(settings.data_dir, settings.source, settings.base))
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
                _status_layer(settings.status),
            )  # fmt: skip
            stats = snapshot.statistics
            log.info("serving %s: %d triples, %d named graphs", settings.source, stats.triples, len(stats.graphs))
        elif settings.sparql_endpoint is None:
            raise ValueError("give a catalogue file or an RDF dump, or a data directory, or a SPARQL endpoint")
        base = revisions.base if revisions is not None else settings.served_base
        yield create_app(cached(_engine(settings, snapshot, base), settings.cache_bytes), settings, revisions)


def _engine(settings: Settings, snapshot: Snapshot | None, base: str) -> PublishingEngine:
    """The worker pool on `snapshot`, or the remote engine with `snapshot` copied onto it."""
    if settings.sparql_endpoint is None:
        assert snapshot is not None
        return WorkerPool(
            snapshot, size=settings.workers, timeout=settings.timeout, max_result_bytes=settings.max_result_bytes,
            max_memory=settings.max_worker_memory, allow_network=settings.allow_network_in_workers,
        )  # fmt: skip
    if snapshot is not None:
        if settings.store_endpoint is None:
            raise ValueError("serving data on a remote engine needs its graph store endpoint to load it there")
        with GraphStore(settings.store_endpoint) as graph_store:
            pointer = publish_snapshot(graph_store, snapshot, base)
        log.info("copied to %s: generation %d, reading %s", settings.store_endpoint, pointer.generation,
                 pointer.default_graph)  # fmt: skip
    return RemoteEngine(
        settings.sparql_endpoint, base=base, store_url=settings.store_endpoint, snapshot=snapshot,
        timeout=settings.timeout, max_result_bytes=settings.max_result_bytes,
    )  # fmt: skip


def _status_layer(files: tuple[Path, ...] | None) -> Callable[[DocumentIndex], Graph] | None:
    """What makes the status layer of a served catalogue's documents: of `files`, () the shipped table."""
    if files is None:
        return None
    tables = [read_status(f) for f in files] or None
    return lambda index: status_layer_of(index, tables)


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
