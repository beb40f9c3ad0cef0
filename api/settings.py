"""`Settings`: everything the served app is configured by, read from the environment once.

The serve command fills one from its arguments (defaults from `Settings.from_env()`),
and `api.server.served_app` builds the app from it; tests and benchmarks do the same.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from servicegraph.graph.namespaces import base_iri
from servicegraph.store import limits

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
"""Bytes one revision upload may take."""

ASYNC_UPLOAD_BYTES = 512 * 1024
"""Bytes above which an upload answers 202 with a job to poll (about 400 items; the seed's
98 take 128 KiB and answer at once). `Prefer: respond-async` asks for a job at any size."""

JOBS_KEPT = 32
"""Upload jobs held at once (queued, running, or finished with their answer); when full,
the oldest finished one goes, and with none finished a new upload is answered 503."""

JOB_KEPT_SECONDS = 3600.0
"""Seconds a finished job's answer is kept."""

UPLOAD_GRACE = 5.0
"""Seconds past the query time limit a retired generation is kept for queries still on it."""


@dataclass(frozen=True, slots=True)
class Settings:
    source: Path | None = None  # a catalogue or an RDF dump; with data_dir, one to add as a revision
    data_dir: Path | None = None  # a revision store
    base: str | None = None  # base IRI of minted IRIs; None: the data directory's, else the default
    upload_token: str | None = None  # None: uploads disabled
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    async_upload_bytes: int = ASYNC_UPLOAD_BYTES  # larger uploads answer 202 with a job
    workers: int = limits.WORKERS
    timeout: float = limits.QUERY_TIMEOUT
    max_result_bytes: int = limits.MAX_RESULT_BYTES
    cache_bytes: int = limits.CACHE_BYTES
    status: tuple[Path, ...] | None = None  # statute status files; () the shipped table; None: none
    catalogue_date: date | None = None  # the date a served catalogue's citations are read at
    sparql_endpoint: str | None = None  # a remote engine's SPARQL 1.1 Protocol URL; None: the embedded store
    store_endpoint: str | None = None  # its Graph Store HTTP Protocol URL, to load the served data there
    max_query_bytes: int = limits.MAX_QUERY_BYTES
    max_worker_memory: int = limits.MAX_WORKER_MEMORY
    allow_network_in_workers: bool = False  # serve even where workers cannot be sandboxed
    public_url: str | None = None  # absolute URLs start with it; None: the address the server listens on

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **values: Any) -> Settings:
        """Settings from $SERVICEGRAPH_BASE, $SERVICEGRAPH_UPLOAD_TOKEN and
        $SERVICEGRAPH_PUBLIC_URL, then `values`."""
        found: dict[str, Any] = {}
        if environ.get("SERVICEGRAPH_PUBLIC_URL"):
            found["public_url"] = environ["SERVICEGRAPH_PUBLIC_URL"]
        if environ.get("SERVICEGRAPH_BASE"):
            found["base"] = environ["SERVICEGRAPH_BASE"]  # checked where it is used
        if environ.get("SERVICEGRAPH_UPLOAD_TOKEN"):
            found["upload_token"] = environ["SERVICEGRAPH_UPLOAD_TOKEN"]
        return replace(cls(**found), **values)

    @property
    def max_body_bytes(self) -> int:
        """Bytes a /sparql request body may take: a form percent-encodes each byte of the
        query as three, plus room for the other parameters."""
        return 3 * self.max_query_bytes + 4096

    @property
    def served_base(self) -> str:
        """The base IRI served when no data directory says otherwise."""
        return base_iri(self.base)
