"""The store's interfaces: what a query asks, what it answers, and who answers it.

A `Store` answers one `QueryRequest` with a fully serialised `QueryResult`
(synchronously, in whatever process holds the data); a `QueryEngine` is what the API
awaits (the worker pool over the embedded store; a remote engine implements the same).
Data is published as read-only *snapshots*, one per generation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import rdflib


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """One query to run.

    `media_type` is one of `RESULTS_FORMATS` or `GRAPH_FORMATS` (the API negotiated it
    for the query's form). `default_graphs`/`named_graphs` (IRIs), when not None,
    replace the query's FROM/FROM NAMED. `bindings` maps variable names (no `?`) to
    rdflib terms substituted as values, never pasted into the query text. Relative IRIs
    in the query resolve against `base_iri` (the endpoint's URL, as the protocol says).
    """

    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    bindings: Mapping[str, rdflib.term.Identifier] = field(default_factory=dict)
    base_iri: str | None = None


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A serialised answer; `generation` is the snapshot generation that answered it
    (set by a publishing engine; None from a bare `Store`)."""

    media_type: str
    body: bytes
    generation: int | None = None


@dataclass(frozen=True, slots=True)
class Statistics:
    """VoID statistics of a snapshot."""

    triples: int  # distinct triples over all graphs
    default_graph_triples: int
    distinct_subjects: int
    properties: int
    classes: int
    graphs: tuple[tuple[str, int], ...]  # (named graph IRI, triples), sorted by IRI
    modified: str | None = None  # ISO date the snapshot was written


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A read-only store directory; `generation` orders successive publications."""

    path: Path
    generation: int
    statistics: Statistics


class Store(Protocol):
    def execute(self, request: QueryRequest) -> QueryResult: ...


class QueryEngine(Protocol):
    """What the API awaits. Implementations bound time and size themselves."""

    @property
    def statistics(self) -> Statistics | None: ...

    async def start(self) -> None: ...

    async def execute(self, request: QueryRequest) -> QueryResult: ...

    async def close(self) -> None: ...
