"""/api/status-files: the status files of a revision store (docs/status.md).

Reads are open. An upload (a status CSV as the body, or the first file of a multipart
form) needs the upload token, like a catalogue revision; it is read against the current
revision's documents and, when every row is good, its facts join the status layer in a
new generation. A bad file is refused (422) with each problem's line, in Chinese and
English, and the status served is kept. A large one (or `Prefer: respond-async`) answers
202 with a job to poll, as a catalogue upload does (api/jobs.py).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from servicegraph.api import jobs
from servicegraph.api.bodies import read_body
from servicegraph.api.jobs import Answer
from servicegraph.api.openapi import ACCEPTED, PREFER
from servicegraph.api.revisions import Revisions, _authorise, _catalogue_bytes, publish
from servicegraph.loaders.status import StatusError, parse_status
from servicegraph.store.engine import Snapshot
from servicegraph.store.revisions import DirectoryUnwritable, NoRevision, Progress, StatusExists, StatusFileMeta

router = APIRouter(prefix="/api/status-files", tags=["revisions"])


def _revisions(request: Request) -> Revisions:
    return request.app.state.revisions


@router.get("", summary="Every accepted status file, oldest first")
async def list_status_files(request: Request) -> dict[str, Any]:
    return {"status_files": [m.to_json() for m in _revisions(request).store.status_files()]}


@router.post(
    "",
    status_code=201,
    summary="Upload a status file (CSV); its facts join the status layer unless a row is bad",
    openapi_extra={"parameters": [PREFER]},
    responses={
        202: ACCEPTED,
        401: {"description": "No or a wrong token."}, 403: {"description": "Uploads are disabled."},
        409: {"description": "These bytes were loaded before, or there is no catalogue revision yet."},
        413: {"description": "Too large."},
        422: {"description": "A bad row (unknown document, not a date, a replacement that is no document…): "
              "each problem with its line; the status served is kept."},
        503: {"description": "The data directory is read-only, or too many upload jobs are waiting."},
        507: {"description": "The data directory is full."},
    },
)  # fmt: skip
async def upload_status_file(request: Request, name: str | None = None) -> Response:
    revisions = _revisions(request)
    _authorise(request, revisions.token)
    body = await read_body(request, revisions.max_upload_bytes, "the upload")
    data, source = await _catalogue_bytes(request, body, name or "status.csv")
    run = partial(_upload, request.app, revisions, data, source)
    return await jobs.answer(request, "status-file", len(data), revisions.async_upload_bytes, run)


async def _upload(app: FastAPI, revisions: Revisions, data: bytes, source: str, progress: Progress) -> Answer:
    """Add the status file and publish it; the upload's answer."""
    async with revisions.lock:
        try:
            meta = await asyncio.shield(_add(app, revisions, data, source, progress))
        except StatusError as exc:
            return Answer(422, exc.to_json())
        except StatusExists as exc:
            return Answer(409, {"error": str(exc), "status_file": exc.meta.to_json()})
        except NoRevision as exc:
            return Answer(409, {"error": str(exc)})
        except DirectoryUnwritable as exc:
            return Answer(507 if exc.full else 503, {"error": str(exc)})
    return Answer(201, {"status_file": meta.to_json()})


async def _add(app: FastAPI, revisions: Revisions, data: bytes, source: str, progress: Progress) -> StatusFileMeta:
    """Read and add the file (in a thread), then publish its generation."""
    meta, snapshot = await asyncio.to_thread(_read_and_add, revisions, data, source, progress)
    await publish(app, revisions, snapshot)
    return meta


def _read_and_add(
    revisions: Revisions, data: bytes, source: str, progress: Progress
) -> tuple[StatusFileMeta, Snapshot]:
    progress("parsing", 0, 0)
    table = parse_status(data, source)
    progress("parsing", len(table.rows), len(table.rows))
    return revisions.store.add_status(table, data, progress=progress)
