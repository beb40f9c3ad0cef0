"""A pool of killable query worker processes: the embedded `QueryEngine`.

pyoxigraph cannot cancel a query, so each query runs in a worker process that opens
the current snapshot read-only and sends back a fully serialised result (a 200 is
never sent before the whole body exists). The event loop talks to each worker over a
socket pair with length-prefixed frames: the request pickled, the answer as the body's
raw bytes (a pickled exception when the query failed), so no thread is involved. When
a query passes the time limit the worker is killed (SIGKILL) and a fresh one started
in the background.

`publish(snapshot)` swaps in a new generation atomically: fresh workers open it
first, then new queries go to them while in-flight queries finish on the old one.
Every `QueryResult` names the generation that answered it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import signal
import socket
import struct
from concurrent.futures import ThreadPoolExecutor

from servicegraph.store import limits
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot, Statistics
from servicegraph.store.errors import EngineUnavailable, QueryError, QueryTimeout
from servicegraph.store.oxigraph import OxigraphStore

log = logging.getLogger("servicegraph.worker")
_CONTEXT = multiprocessing.get_context("spawn")

_HEADER = struct.Struct("!BQ")
"""A frame: its kind and the payload's length, then the payload."""
_REQUEST, _READY, _BODY, _ERROR = range(4)


def _send(sock: socket.socket, kind: int, payload: bytes) -> None:
    header = _HEADER.pack(kind, len(payload))
    if len(payload) < 65536:  # one write: the reader wakes once
        sock.sendall(header + payload)
    else:  # no copy of a large body
        sock.sendall(header)
        sock.sendall(payload)


def _receive(sock: socket.socket) -> tuple[int, bytes] | None:
    """One frame read with blocking calls; None when the other end closed."""
    header = _read_exactly(sock, _HEADER.size)
    if header is None:
        return None
    kind, size = _HEADER.unpack(header)
    payload = _read_exactly(sock, size)
    return None if payload is None else (kind, payload)


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buffer)


def _serve(sock: socket.socket, snapshot: Snapshot, max_result_bytes: int) -> None:
    """Worker process: answer request frames until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers end
    in_memory = snapshot.statistics.triples <= limits.IN_MEMORY_TRIPLES
    store = OxigraphStore.open_snapshot(snapshot, max_result_bytes, in_memory)
    import rdflib  # noqa: F401  (bindings arrive as rdflib terms: import before "ready")

    _send(sock, _READY, b"")
    while (frame := _receive(sock)) is not None:
        request: QueryRequest = pickle.loads(frame[1])
        try:
            _send(sock, _BODY, store.execute(request).body)
        except QueryError as exc:
            _send(sock, _ERROR, pickle.dumps(exc))
        except Exception as exc:  # an engine failure is reported, not fatal to the worker
            _send(sock, _ERROR, pickle.dumps(QueryError(f"{type(exc).__name__}: {exc}")))


class Worker:
    """One worker process and the event loop's stream to it."""

    def __init__(self, snapshot: Snapshot, max_result_bytes: int) -> None:
        """Start the process (blocking: call it in a thread), then await `ready()`."""
        self.snapshot = snapshot
        self._sock, child = socket.socketpair()
        self.process = _CONTEXT.Process(target=_serve, args=(child, snapshot, max_result_bytes), daemon=True)
        self.process.start()
        child.close()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def ready(self) -> None:
        """Connect the stream and wait until the worker has opened its snapshot."""
        self._reader, self._writer = await asyncio.open_unix_connection(sock=self._sock)
        if await self._frame() != (_READY, b""):
            raise EngineUnavailable("a query worker failed to start")

    async def _frame(self) -> tuple[int, bytes] | None:
        assert self._reader is not None
        try:
            kind, size = _HEADER.unpack(await self._reader.readexactly(_HEADER.size))
            return kind, await self._reader.readexactly(size)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def call(self, request: QueryRequest, timeout: float) -> QueryResult:
        """Run `request`; raise `QueryTimeout` when no answer comes within `timeout` s."""
        assert self._writer is not None
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self._writer.write(_HEADER.pack(_REQUEST, len(payload)) + payload)
        try:
            frame = await asyncio.wait_for(self._frame(), timeout)
        except TimeoutError:
            raise QueryTimeout(f"no answer within {timeout:g} s") from None
        if frame is None:
            raise EngineUnavailable("the query worker died while running the query")
        kind, body = frame
        if kind == _ERROR:
            raise pickle.loads(body)
        return QueryResult(request.media_type, body, self.snapshot.generation)

    def close(self, kill: bool = False) -> None:
        """On the loop: close the stream (the worker ends when it reads EOF), or kill it."""
        if kill:
            self.process.kill()
        if self._writer is not None:
            self._writer.close()
        else:
            self._sock.close()

    def reap(self) -> None:
        """Blocking (in a thread): wait for the process to end, killing it after 2 s."""
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class WorkerPool:
    """A `QueryEngine` over `size` worker processes on the current snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        size: int = limits.WORKERS,
        timeout: float = limits.QUERY_TIMEOUT,
        max_result_bytes: int = limits.MAX_RESULT_BYTES,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.snapshot = snapshot
        self.size = size
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        # only to start and reap worker processes: queries never wait on a thread
        self._threads = ThreadPoolExecutor(max_workers=size + 1, thread_name_prefix="sparql-workers")
        self._idle: asyncio.Queue[Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._workers: set[Worker] = set()
        self._replacing: set[asyncio.Task[None]] = set()  # held so the loop cannot drop them
        self._closed = False

    @property
    def statistics(self) -> Statistics:
        return self.snapshot.statistics

    @property
    def generation(self) -> int:
        return self.snapshot.generation

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        for worker in await self._spawn_many(self.snapshot, self.size):
            self._idle.put_nowait(worker)

    async def execute(self, request: QueryRequest) -> QueryResult:
        assert self._idle is not None and self._loop is not None, "start() the pool first"
        started = self._loop.time()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise EngineUnavailable(f"all query workers stayed busy for {self.timeout:g} s; try again later") from None
        remaining = max(self.timeout - (self._loop.time() - started), 0.001)
        # Shielded: if the client goes away, the query still finishes and frees the worker.
        return await asyncio.shield(self._run(worker, request, remaining))

    async def _run(self, worker: Worker, request: QueryRequest, timeout: float) -> QueryResult:
        """Run one query; the worker is dropped unless it answered (a result or an error)."""
        answered = False
        try:
            result = await worker.call(request, timeout)
            answered = True
            return result
        except QueryTimeout:
            raise QueryTimeout(
                f"the query ran longer than the time limit of {self.timeout:g} s and was stopped"
            ) from None
        except EngineUnavailable:
            raise
        except QueryError:
            answered = True
            raise
        except OSError as exc:  # the socket broke: the worker is gone
            raise EngineUnavailable(f"the query worker failed: {exc}") from None
        finally:
            self._release(worker, answered)

    def _release(self, worker: Worker, alive: bool) -> None:
        """Return a worker, or replace it when dead or of an old generation."""
        current = worker.snapshot is self.snapshot and not self._closed
        if alive and current:
            assert self._idle is not None
            self._idle.put_nowait(worker)
            return
        self._retire(worker, kill=not alive)
        if current:
            task = asyncio.ensure_future(self._replace())
            self._replacing.add(task)
            task.add_done_callback(self._replacing.discard)

    def _retire(self, worker: Worker, kill: bool) -> None:
        self._workers.discard(worker)
        worker.close(kill)
        self._threads.submit(worker.reap)

    async def _replace(self) -> None:
        snapshot = self.snapshot
        try:
            (worker,) = await self._spawn_many(snapshot, 1)
        except Exception:
            log.exception("could not start a replacement query worker")
            return
        assert self._idle is not None
        if snapshot is self.snapshot and not self._closed:
            self._idle.put_nowait(worker)
        else:
            self._retire(worker, kill=False)

    async def _spawn_many(self, snapshot: Snapshot, count: int) -> list[Worker]:
        return list(await asyncio.gather(*(self._spawn(snapshot) for _ in range(count))))

    async def _spawn(self, snapshot: Snapshot) -> Worker:
        assert self._loop is not None
        worker = await self._loop.run_in_executor(self._threads, Worker, snapshot, self.max_result_bytes)
        self._workers.add(worker)  # close() kills it even while it starts
        try:
            await worker.ready()
        except BaseException:
            self._retire(worker, kill=True)
            raise
        return worker

    async def publish(self, snapshot: Snapshot) -> None:
        """Make `snapshot` current once its workers are ready; old ones retire when idle."""
        fresh = await self._spawn_many(snapshot, self.size)
        assert self._idle is not None
        self.snapshot = snapshot
        while not self._idle.empty():
            self._release(self._idle.get_nowait(), alive=True)
        for worker in fresh:
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        self._closed = True
        for worker in list(self._workers):
            worker.close(kill=True)
        for worker in list(self._workers):
            worker.process.join()
        self._workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
