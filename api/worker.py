"""A pool of killable query worker processes: the embedded `QueryEngine`.

pyoxigraph cannot cancel a query, so each query runs in a worker process that opens
the current snapshot read-only and sends back a fully serialised result (a 200 is
never sent before the whole body exists). The async caller waits in a thread, so the
event loop stays free; when a query passes the time limit the worker is killed
(SIGKILL) and a fresh one started in the background.

`publish(snapshot)` swaps in a new generation atomically: fresh workers open it
first, then new queries go to them while in-flight queries finish on the old one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection

from graph.store import (
    EngineUnavailable,
    OxigraphStore,
    QueryError,
    QueryRequest,
    QueryResult,
    QueryTimeout,
    Snapshot,
    Statistics,
)

log = logging.getLogger("servicegraph.worker")
_CONTEXT = multiprocessing.get_context("spawn")


IN_MEMORY_TRIPLES = 2_000_000
"""Snapshots up to this size are copied into each worker's memory (queries run ~4x faster)."""


def _serve(conn: Connection, snapshot: Snapshot, max_result_bytes: int) -> None:
    """Worker process: answer requests from `conn` until it closes or sends None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers end
    in_memory = snapshot.statistics.triples <= IN_MEMORY_TRIPLES
    store = OxigraphStore.open_snapshot(snapshot, max_result_bytes, in_memory)
    import rdflib  # noqa: F401  (bindings arrive as rdflib terms: import before "ready")

    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            conn.send(store.execute(request))
        except QueryError as exc:
            conn.send(exc)
        except Exception as exc:  # an engine failure is reported, not fatal to the worker
            conn.send(QueryError(f"{type(exc).__name__}: {exc}"))


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, snapshot: Snapshot, max_result_bytes: int) -> None:
        self.snapshot = snapshot
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(
            target=_serve, args=(child, snapshot, max_result_bytes), daemon=True
        )
        self.process.start()
        child.close()
        if self.conn.recv() != "ready":
            raise EngineUnavailable("a query worker failed to start")

    def call(self, request: QueryRequest, timeout: float) -> QueryResult:
        """Run `request`; raise `QueryTimeout` when no answer comes within `timeout` s."""
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise QueryTimeout(f"no answer within {timeout:g} s")
        try:
            answer = self.conn.recv()
        except EOFError:
            raise EngineUnavailable("the query worker died while running the query") from None
        if isinstance(answer, Exception):
            raise answer
        return answer

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerPool:
    """A `QueryEngine` over `size` worker processes on the current snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        size: int = 2,
        timeout: float = 10.0,
        max_result_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.snapshot = snapshot
        self.size = size
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._threads = ThreadPoolExecutor(max_workers=2 * size + 1, thread_name_prefix="sparql")
        self._idle: asyncio.Queue[Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._workers: set[Worker] = set()
        self._closed = False

    @property
    def statistics(self) -> Statistics:
        return self.snapshot.statistics

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
            raise EngineUnavailable(
                f"all query workers stayed busy for {self.timeout:g} s; try again later"
            ) from None
        remaining = max(self.timeout - (self._loop.time() - started), 0.001)
        # Shielded: if the client goes away, the thread still finishes and frees the worker.
        return await asyncio.shield(
            self._loop.run_in_executor(self._threads, self._run, worker, request, remaining)
        )

    def _run(self, worker: Worker, request: QueryRequest, timeout: float) -> QueryResult:
        """In a thread: run one query; kill the worker when it overruns or dies."""
        alive = True
        try:
            return worker.call(request, timeout)
        except QueryTimeout:
            alive = False
            worker.kill()
            raise QueryTimeout(
                f"the query ran longer than the time limit of {self.timeout:g} s and was stopped"
            ) from None
        except EngineUnavailable:
            alive = False
            worker.kill()
            raise
        except OSError as exc:  # the pipe broke: the worker is gone
            alive = False
            worker.kill()
            raise EngineUnavailable(f"the query worker failed: {exc}") from None
        finally:
            assert self._loop is not None
            try:
                self._loop.call_soon_threadsafe(self._release, worker, alive)
            except RuntimeError:  # the loop is closed: the pool is shutting down
                pass

    def _release(self, worker: Worker, alive: bool) -> None:
        """On the loop: return a worker, or replace it when dead or of an old generation."""
        current = worker.snapshot is self.snapshot and not self._closed
        if alive and current:
            assert self._idle is not None
            self._idle.put_nowait(worker)
            return
        self._workers.discard(worker)
        if alive:
            self._threads.submit(worker.stop)
        if current:
            asyncio.ensure_future(self._replace())

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
            self._workers.discard(worker)
            self._threads.submit(worker.stop)

    async def _spawn_many(self, snapshot: Snapshot, count: int) -> list[Worker]:
        assert self._loop is not None
        workers = await asyncio.gather(
            *(
                self._loop.run_in_executor(self._threads, Worker, snapshot, self.max_result_bytes)
                for _ in range(count)
            )
        )
        self._workers.update(workers)
        return list(workers)

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
            worker.process.kill()
        for worker in list(self._workers):
            worker.process.join()
            worker.conn.close()
        self._workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
