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

Each worker confines itself before it opens the snapshot (store/sandbox.py): it can
open no network socket, and its heap is capped at `max_memory` bytes. Where the
sandbox is unavailable a worker refuses to start, unless the pool was made with
`allow_network=True`.

Short queries keep a path: while a query waits for a worker and every worker (two or
more) runs a query older than `long_query` seconds, the most recently started of those is
stopped (its worker killed and replaced; its caller gets `ServerBusy` with Retry-After),
so long queries cannot hold every worker while others wait. A query waits at most
`queue_wait` seconds for a worker. A query whose caller is cancelled (the client hung up)
kills its worker, which is replaced. Replacing is immediate: the pool keeps one spare
worker started (starting one takes 1 to 5 s on a loaded machine), puts it in a killed
worker's place, and starts the next spare in the background.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import pickle
import signal
import socket
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from servicegraph.store import limits, sandbox
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot, Statistics
from servicegraph.store.errors import (
    EngineUnavailable,
    MemoryLimit,
    QueryError,
    QueryTimeout,
    ServerBusy,
)
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


@dataclass(frozen=True, slots=True)
class WorkerLimits:
    """What each worker process runs under."""

    max_result_bytes: int = limits.MAX_RESULT_BYTES
    max_memory: int = limits.MAX_WORKER_MEMORY
    allow_network: bool = False  # start even where the sandbox is unavailable

    def memory_message(self) -> str:
        return f"the query used more than the memory limit of {self.max_memory} bytes and was stopped"


def _confine(worker_limits: WorkerLimits) -> None:
    """Sandbox this process (network, memory) before it touches any data."""
    try:
        sandbox.confine_network()
    except sandbox.SandboxUnavailable as exc:
        if not worker_limits.allow_network:
            raise EngineUnavailable(f"query workers cannot be confined: {exc}") from None
    sandbox.limit_memory(worker_limits.max_memory)


def _serve(sock: socket.socket, snapshot: Snapshot, worker_limits: WorkerLimits) -> None:
    """Worker process: answer request frames until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers end
    try:
        _confine(worker_limits)
        in_memory = snapshot.statistics.triples <= limits.IN_MEMORY_TRIPLES
        store = OxigraphStore.open_snapshot(snapshot, worker_limits.max_result_bytes, in_memory)
    except Exception as exc:  # the parent's ready() raises it
        _send(sock, _ERROR, pickle.dumps(EngineUnavailable(f"a query worker failed to start: {exc}")))
        return
    import rdflib  # noqa: F401  (bindings arrive as rdflib terms: import before "ready")

    _send(sock, _READY, b"")
    while (frame := _receive(sock)) is not None:
        request: QueryRequest = pickle.loads(frame[1])
        try:
            _send(sock, _BODY, store.execute(request).body)
        except QueryError as exc:
            _send(sock, _ERROR, pickle.dumps(exc))
        except MemoryError:
            _send(sock, _ERROR, pickle.dumps(MemoryLimit(worker_limits.memory_message())))
        except Exception as exc:  # an engine failure is reported, not fatal to the worker
            _send(sock, _ERROR, pickle.dumps(QueryError(f"{type(exc).__name__}: {exc}")))


class Worker:
    """One worker process and the event loop's stream to it."""

    def __init__(self, snapshot: Snapshot, worker_limits: WorkerLimits) -> None:
        """Start the process (blocking: call it in a thread), then await `ready()`."""
        self.snapshot = snapshot
        self.limits = worker_limits
        self._sock, child = socket.socketpair()
        self.process = _CONTEXT.Process(target=_serve, args=(child, snapshot, worker_limits), daemon=True)
        self.process.start()
        child.close()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def ready(self) -> None:
        """Connect the stream and wait until the worker has opened its snapshot."""
        self._reader, self._writer = await asyncio.open_unix_connection(sock=self._sock)
        frame = await self._frame()
        if frame is not None and frame[0] == _ERROR:
            raise pickle.loads(frame[1])
        if frame != (_READY, b""):
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
            raise await self._death()
        kind, body = frame
        if kind == _ERROR:
            raise pickle.loads(body)
        return QueryResult(request.media_type, body, self.snapshot.generation)

    async def _death(self) -> QueryError:
        """Why the worker died mid-query: Rust aborts (SIGABRT) when an allocation fails."""
        await asyncio.get_running_loop().run_in_executor(None, self.process.join, 2)
        if self.process.exitcode == -signal.SIGABRT:
            return MemoryLimit(self.limits.memory_message())
        return EngineUnavailable("the query worker died while running the query")

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
        max_memory: int = limits.MAX_WORKER_MEMORY,
        allow_network: bool = False,
        long_query: float = limits.LONG_QUERY,
        queue_wait: float = limits.QUEUE_WAIT,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.snapshot = snapshot
        self.size = size
        self.timeout = timeout
        self.worker_limits = WorkerLimits(max_result_bytes, max_memory, allow_network)
        self.long_query = long_query
        self._started: dict[Worker, float] = {}  # busy workers: when their query started
        self._preempted: set[Worker] = set()
        self._spare: Worker | None = None
        self.queue_wait = queue_wait
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
        workers = await self._spawn_many(self.snapshot, self.size + 1)
        self._spare = workers.pop()
        for worker in workers:
            self._idle.put_nowait(worker)

    async def execute(self, request: QueryRequest) -> QueryResult:
        """Run `request` on a free worker; cancelling the caller kills the worker."""
        return await self._run(await self._take(), request)

    async def _take(self) -> Worker:
        """A free worker, within `queue_wait`; meanwhile, make room when long queries hold all."""
        assert self._idle is not None and self._loop is not None, "start() the pool first"
        deadline = self._loop.time() + self.queue_wait
        while (left := deadline - self._loop.time()) > 0:
            try:
                return await asyncio.wait_for(self._idle.get(), min(left, self.long_query / 4))
            except TimeoutError:
                self._preempt_if_all_long()
        raise ServerBusy(f"every query worker stayed busy for {self.queue_wait:g} s; try again later", retry_after=1)

    def _preempt_if_all_long(self) -> None:
        """Kill the youngest long query when every worker (of two or more) runs a long one."""
        assert self._loop is not None
        if self.size < 2 or len(self._started) < self.size or self._preempted:
            return
        now = self._loop.time()
        if all(now - started >= self.long_query for started in self._started.values()):
            youngest = max(self._started, key=self._started.__getitem__)
            self._preempted.add(youngest)
            youngest.process.kill()  # its call sees the socket close

    async def _run(self, worker: Worker, request: QueryRequest) -> QueryResult:
        """Run one query; the worker is dropped unless it answered (a result or an error)."""
        assert self._loop is not None
        self._started[worker] = self._loop.time()
        answered = False
        try:
            result = await worker.call(request, self.timeout)
            answered = True
            return result
        except QueryTimeout:
            raise QueryTimeout(
                f"the query ran longer than the time limit of {self.timeout:g} s and was stopped"
            ) from None
        except (EngineUnavailable, MemoryLimit):  # the worker is gone, or in no state to go on
            if worker in self._preempted:
                raise ServerBusy(
                    f"every query worker was running a query longer than {self.long_query:g} s while others "
                    "waited: this one, the latest, was stopped to make room; try again later",
                    retry_after=math.ceil(self.timeout),
                ) from None
            raise
        except QueryError:
            answered = True
            raise
        except OSError as exc:  # the socket broke: the worker is gone
            raise EngineUnavailable(f"the query worker failed: {exc}") from None
        finally:
            self._started.pop(worker, None)
            self._preempted.discard(worker)
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
        """The spare takes a dead worker's place at once; a new one is started for the
        spare's place (or for the dead worker's, when there was no spare)."""
        assert self._idle is not None
        snapshot = self.snapshot
        spare, self._spare = self._spare, None
        if spare is not None:
            self._idle.put_nowait(spare)
        try:
            (worker,) = await self._spawn_many(snapshot, 1)
        except Exception:
            log.exception("could not start a replacement query worker")
            return
        if snapshot is not self.snapshot or self._closed:
            self._retire(worker, kill=False)
        elif spare is None:
            self._idle.put_nowait(worker)
        elif self._spare is None:
            self._spare = worker
        else:
            self._retire(worker, kill=False)

    async def _spawn_many(self, snapshot: Snapshot, count: int) -> list[Worker]:
        return list(await asyncio.gather(*(self._spawn(snapshot) for _ in range(count))))

    async def _spawn(self, snapshot: Snapshot) -> Worker:
        assert self._loop is not None
        worker = await self._loop.run_in_executor(self._threads, Worker, snapshot, self.worker_limits)
        self._workers.add(worker)  # close() kills it even while it starts
        try:
            await worker.ready()
        except BaseException:
            self._retire(worker, kill=True)
            raise
        return worker

    async def publish(self, snapshot: Snapshot) -> None:
        """Make `snapshot` current once its workers are ready; old ones retire when idle."""
        fresh = await self._spawn_many(snapshot, self.size + 1)
        assert self._idle is not None
        self.snapshot = snapshot
        if self._spare is not None:
            self._retire(self._spare, kill=False)
        self._spare = fresh.pop()
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
