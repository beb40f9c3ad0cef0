"""/api/jobs: long uploads answered 202 Accepted, then polled for progress and answer.

An upload larger than `async_upload_bytes` (api/settings.py), or sent with
`Prefer: respond-async` (RFC 7240), is answered at once with 202 and
`Location: /api/jobs/{id}`. Jobs run one at a time, in order, in one task whose heavy work
runs in a thread; each holds the revision store's lock like a synchronous upload, so
publications stay one at a time. `GET /api/jobs/{id}` shows the job's stage (parsing,
building, validating, publishing; store/revisions.py STAGES) and items done of all, then
its answer: the status and body the synchronous upload would have answered. At most
`JOBS_KEPT` jobs are held, a finished one for `JOB_KEPT_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from servicegraph.api.settings import JOB_KEPT_SECONDS, JOBS_KEPT
from servicegraph.store.revisions import STAGES, Progress

log = logging.getLogger("servicegraph.jobs")

POLL_SECONDS = 1
"""Retry-After of a job not finished yet."""

router = APIRouter(prefix="/api/jobs", tags=["revisions"])


@dataclass(frozen=True)
class Answer:
    """What an upload answers: status, JSON body, headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


Run = Callable[[Progress], Awaitable[Answer]]
"""An upload's work, told where to report its progress."""


@dataclass
class Job:
    id: str
    kind: str  # revision | status-file
    submitted: str
    state: str = "queued"  # queued | running | finished
    stage: str | None = None
    done: int = 0
    total: int = 0
    answer: Answer | None = None
    finished: float | None = None  # time.monotonic() when it finished

    def progress(self, stage: str, done: int, total: int) -> None:
        """The store's `Progress` callback (called from the worker thread)."""
        self.stage, self.done, self.total = stage, done, total

    def to_json(self) -> dict[str, Any]:
        answer = None
        if self.answer is not None:
            location = self.answer.headers.get("Location")
            answer = {"status": self.answer.status, "body": self.answer.body, "location": location}
        return {
            "id": self.id, "kind": self.kind, "state": self.state, "submitted": self.submitted,
            "stage": self.stage, "items": {"done": self.done, "total": self.total}, "answer": answer,
        }  # fmt: skip


class JobsFull(Exception):
    pass


class Jobs:
    """The upload jobs of one app (`app.state.jobs`): a queue and the one task working it."""

    def __init__(self, kept: int = JOBS_KEPT, keep_seconds: float = JOB_KEPT_SECONDS) -> None:
        self.kept = kept
        self.keep_seconds = keep_seconds
        self.jobs: dict[str, Job] = {}  # oldest first
        self._queue: asyncio.Queue[tuple[Job, Run]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def submit(self, kind: str, run: Run) -> Job:
        """Queue `run` as a job; `JobsFull` when `kept` jobs are held and none has finished."""
        self._forget()
        if len(self.jobs) >= self.kept:
            oldest = next((j for j in self.jobs.values() if j.state == "finished"), None)
            if oldest is None:
                raise JobsFull(f"{self.kept} upload jobs are waiting or running: try again later")
            del self.jobs[oldest.id]
        job = Job(secrets.token_hex(8), kind, datetime.now(UTC).isoformat())
        self.jobs[job.id] = job
        self._queue.put_nowait((job, run))
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())
        return job

    def get(self, job_id: str) -> Job | None:
        self._forget()
        return self.jobs.get(job_id)

    def _forget(self) -> None:
        """Drop the jobs finished more than `keep_seconds` ago."""
        now = time.monotonic()
        for job in [j for j in self.jobs.values() if j.finished is not None and now - j.finished > self.keep_seconds]:
            del self.jobs[job.id]

    async def _work(self) -> None:
        while True:
            job, run = await self._queue.get()
            job.state = "running"
            try:
                job.answer = await run(job.progress)
            except Exception as exc:  # a bug: answered as the synchronous route would have (500)
                log.exception("upload job %s failed", job.id)
                job.answer = Answer(500, {"error": f"internal error: {type(exc).__name__}"})
            job.state, job.finished = "finished", time.monotonic()

    async def close(self) -> None:
        """Stop working (at shutdown): a job running keeps what it published."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker


def wants_async(request: Request) -> bool:
    """Whether the request says `Prefer: respond-async` (RFC 7240)."""
    preferences = (p.split(";")[0].split("=")[0].strip().lower() for p in request.headers.get("prefer", "").split(","))
    return "respond-async" in preferences


async def answer(request: Request, kind: str, size: int, threshold: int, run: Run) -> Response:
    """`run`'s answer, or 202 with a job running it when the upload is over `threshold`
    bytes or the client prefers an asynchronous answer."""
    preferred = wants_async(request)
    if size <= threshold and not preferred:
        return (await run(_no_progress)).response()
    try:
        job = request.app.state.jobs.submit(kind, run)
    except JobsFull as exc:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": "10"})
    headers = {"Location": f"/api/jobs/{job.id}", "Retry-After": str(POLL_SECONDS)}
    if preferred:
        headers["Preference-Applied"] = "respond-async"
    return JSONResponse(job.to_json(), status_code=202, headers=headers)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def attach(app: FastAPI) -> None:
    """Give `app` its jobs (the app's lifespan closes them)."""
    app.state.jobs = Jobs()


class Items(BaseModel):
    done: int
    total: int = Field(description="Items (catalogue rows, or status-file rows) in all; 0 while parsing.")


class JobAnswer(BaseModel):
    status: int = Field(description="The status the synchronous upload would have answered: 201, 409, 422, …")
    body: dict[str, Any] = Field(description="The body it would have answered.")
    location: str | None = Field(description="Its Location header: the new revision, when one was accepted.")


class JobModel(BaseModel):
    id: str
    kind: Literal["revision", "status-file"]
    state: Literal["queued", "running", "finished"]
    submitted: str = Field(description="When the upload came (ISO 8601, UTC).")
    stage: Literal[STAGES] | None = Field(description="The stage running or last run; null while queued.")  # type: ignore[valid-type]
    items: Items
    answer: JobAnswer | None = Field(description="Once finished: the upload's answer.")


@router.get(
    "/{job_id}",
    summary="An upload answered 202: its stage and progress, then its answer",
    response_model=JobModel,
    responses={404: {"description": "No such job (unknown, or finished long ago and forgotten)."}},
)
async def get_job(request: Request, job_id: str) -> JSONResponse:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}: unknown, or finished more than {JOB_KEPT_SECONDS:g} s ago")
    headers = {"Retry-After": str(POLL_SECONDS)} if job.state != "finished" else {}
    return JSONResponse(job.to_json(), headers=headers)
