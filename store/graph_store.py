"""Loading a remote engine over the SPARQL 1.1 Graph Store HTTP Protocol.

`publish_snapshot` copies a snapshot there: a revision's graph once (its IRI names its
content), emptied and filled before any reader sees it; every other named graph with one
PUT; the snapshot's default graph as the named graph the API will read; then the pointer
(store/pointer.py), last. A graph leaves the snapshot dumped by pyoxigraph into a pipe the
request body streams. Blocking: call it from a thread or the command line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from itertools import islice

import httpx
import pyoxigraph as ox

from servicegraph.graph.media_types import N_TRIPLES
from servicegraph.graph.namespaces import SG
from servicegraph.store import limits
from servicegraph.store.engine import Snapshot
from servicegraph.store.errors import EngineUnavailable
from servicegraph.store.pointer import Pointer, pointer_iri, read_pointer

_CHUNK = 20_000
"""Triples serialised per chunk of an upload (the body streams)."""
_READ = 1 << 20
"""Bytes read per chunk of a dumped graph."""


def shown(url: str) -> str:
    """`url` as messages name it: without the user and password it may carry (HTTP Basic)."""
    return str(httpx.URL(url).copy_with(userinfo=b""))


class GraphStore:
    """A Graph Store HTTP Protocol endpoint, e.g. Oxigraph's `/store`, Fuseki's `/ds/data`;
    credentials in the URL (`https://user:password@host/…`) are sent as HTTP Basic."""

    def __init__(self, url: str, timeout: float = limits.LOAD_TIMEOUT) -> None:
        self.url = url
        self.shown = shown(url)
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0))
        self._bulk: dict[str, str] = {}  # parameters of a load into a graph no reader sees

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def _params(self, graph: str | None) -> dict[str, str]:
        return {"graph": graph} if graph is not None else {"default": ""}

    def _send(
        self, method: str, graph: str | None, extra: dict[str, str] | None = None, **kwargs: object
    ) -> httpx.Response:
        name = f"<{graph}>" if graph is not None else "the default graph"
        params = {**self._params(graph), **(extra or {})}
        try:
            response = self._client.request(method, self.url, params=params, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise EngineUnavailable(
                f"the graph store at {self.shown} is unreachable ({method} {name}): {exc}"
            ) from None
        if response.status_code >= 300 and response.status_code != 404:
            raise EngineUnavailable(
                f"the graph store at {self.shown} refused {method} {name}: "
                f"{response.status_code} {response.text[:300].strip()}"
            )
        if response.headers.get("server", "").startswith("Oxigraph/"):
            self._bulk = {"no_transaction": ""}
        return response

    def put(self, graph: str | None, body: Iterable[bytes]) -> None:
        """Replace `graph` (None: the default graph) with the N-Triples `body`."""
        self._send("PUT", graph, content=body, headers={"Content-Type": N_TRIPLES})

    def load(self, graph: str, body: Iterable[bytes]) -> None:
        """Fill `graph`, which no reader sees yet, with the N-Triples `body`: emptied
        (DELETE), then added to (POST): 1.3-2x faster than one PUT on Oxigraph (85,000
        triples, 10x the seed); an Oxigraph server (its Server header) loads it with its
        bulk loader, outside a transaction (`no_transaction`): a failed load leaves part of
        a graph no pointer names, emptied again by the next publication."""
        self._send("DELETE", graph)
        self._send("POST", graph, extra=self._bulk, content=body, headers={"Content-Type": N_TRIPLES})

    def get(self, graph: str) -> list[ox.Triple]:
        """The triples of `graph`; none when the store does not hold it."""
        response = self._send("GET", graph, headers={"Accept": N_TRIPLES})
        if response.status_code == 404:
            return []
        return list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))

    def pointer(self, base: str) -> Pointer:
        return read_pointer(pointer_iri(base), self.get(pointer_iri(base)))


def n_triples(triples: Iterable[ox.Triple]) -> Iterator[bytes]:
    """`triples` as N-Triples, a chunk at a time."""
    iterator = iter(triples)
    while chunk := list(islice(iterator, _CHUNK)):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
        assert body is not None  # no output given: the bytes are returned
        yield body


def _graph(store: ox.Store, name: ox.NamedNode | ox.DefaultGraph) -> Iterator[bytes]:
    """Graph `name` of `store` as N-Triples, dumped by pyoxigraph on a thread of its own
    into a pipe the request body reads, so the engine parses while the graph is written."""
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def dump() -> None:
        with open(write_end, "wb") as pipe:
            try:
                store.dump(pipe, ox.RdfFormat.N_TRIPLES, from_graph=name)
            except BrokenPipeError:  # the reader stopped: the request failed
                pass
            except BaseException as exc:  # raised by the reader below
                failed.append(exc)

    writer = threading.Thread(target=dump, name="graph-dump", daemon=True)
    writer.start()
    try:
        with open(read_end, "rb") as pipe:
            while chunk := pipe.read(_READ):
                yield chunk
    finally:
        writer.join()
    if failed:
        raise failed[0]


def served_graph(store: ox.Store, snapshot: Snapshot) -> str | None:
    """The named graph whose copy is `snapshot`'s default graph: the current revision the
    metadata graph names, else the only named graph when it is as large; None if neither."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(SG.currentRevision)), None, None):
        if isinstance(quad.object, ox.NamedNode):
            return quad.object.value
    graphs = snapshot.statistics.graphs
    if len(graphs) == 1 and graphs[0][1] == snapshot.statistics.default_graph_triples:
        return graphs[0][0]
    return None


def publish_snapshot(graph_store: GraphStore, snapshot: Snapshot, base: str, graph: str | None = None) -> Pointer:
    """Copy `snapshot` to `graph_store` and point the data of `base` at it.

    Its default graph is read as the named graph `graph` (default: `served_graph`; when
    that is None too, it is loaded into the store's own default graph, or, when empty,
    read as the graph `{base}empty`, which nothing fills). Graphs under `{base}revision/`
    already in the current dataset are not sent again.
    """
    previous = graph_store.pointer(base)
    source = ox.Store.read_only(str(snapshot.path))
    named = [g for g, _ in snapshot.statistics.graphs]
    immutable = f"{base}revision/"
    for name in sorted(named, key=lambda g: not g.startswith(immutable)):  # revisions first, metadata last
        if not name.startswith(immutable):  # read now: replaced in one request
            graph_store.put(name, _graph(source, ox.NamedNode(name)))
        elif name not in previous.named_graphs:  # read by no one until the pointer names it
            graph_store.load(name, _graph(source, ox.NamedNode(name)))
    default = graph or served_graph(source, snapshot)
    if default not in named:
        if default is None and snapshot.statistics.default_graph_triples == 0:
            default = f"{base}empty"
        else:
            graph_store.put(default, _graph(source, ox.DefaultGraph()))
            named += [default] if default is not None else []
    pointer = Pointer(previous.generation + 1, default, tuple(sorted(named)), snapshot.statistics)
    graph_store.put(pointer_iri(base), n_triples(pointer.triples(pointer_iri(base))))
    return pointer
