"""The composition root: `served_app(settings)` builds the app `servicegraph serve` runs.

It loads the data (a catalogue or dump into a temporary snapshot, or a revision store),
starts nothing itself (the app's lifespan starts the worker pool), and removes the
temporary snapshot when the block ends. The serve command, the tests and the benchmarks
all build their server here.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from fastapi import FastAPI

from servicegraph.api.app import create_app
from servicegraph.api.settings import Settings
from servicegraph.store.cache import cached
from servicegraph.store.revisions import RevisionStore, open_store
from servicegraph.store.snapshots import load_source
from servicegraph.store.workers import WorkerPool

log = logging.getLogger("servicegraph.serve")


@contextmanager
def served_app(settings: Settings) -> Iterator[FastAPI]:
    """The app serving `settings`' data; raises `RevisionError`, `OSError`, `CatalogueError`
    or `DumpError` when the data cannot be loaded, `ValueError` when there is none."""
    with ExitStack() as stack:
        revisions: RevisionStore | None = None
        if settings.data_dir is not None:
            revisions = stack.enter_context(open_store(settings.data_dir, settings.source, settings.base))
            snapshot = revisions.current_snapshot()
            log.info(
                "serving %s: current revision %s, %d revisions; uploads %s", settings.data_dir,
                revisions.current_id(), len(revisions.revisions()),
                "enabled" if settings.upload_token else "disabled",
            )  # fmt: skip
        elif settings.source is not None:
            state = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servicegraph-")))
            snapshot = load_source(settings.source, state / "generation-1", settings.served_base)
            stats = snapshot.statistics
            log.info("serving %s: %d triples, %d named graphs", settings.source, stats.triples, len(stats.graphs))
        else:
            raise ValueError("give a catalogue file or an RDF dump, or a data directory")
        pool = WorkerPool(
            snapshot, size=settings.workers, timeout=settings.timeout, max_result_bytes=settings.max_result_bytes
        )
        yield create_app(cached(pool, settings.cache_bytes), settings, revisions)
