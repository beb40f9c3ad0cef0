"""/api/status-files: the status files of a revision store (docs/status.md).

Reads are open. An upload (a status CSV as the body, or the first file of a multipart
form) needs the upload token, like a catalogue revision; it is read against the current
revision's documents and, when every row is good, its facts join the status layer in a
new generation. A bad file is refused (422) with each problem's line, in Chinese and
English, and the status served is kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from servicegraph.api.bodies import read_body
from servicegraph.api.revisions import Revisions, _authorise, _catalogue_bytes, publish
from servicegraph.loaders.status import StatusError, parse_status
from servicegraph.store.revisions import DirectoryUnwritable, NoRevision, StatusExists, StatusFileMeta

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
    responses={
        401: {"description": "No or a wrong token."}, 403: {"description": "Uploads are disabled."},
        409: {"description": "These bytes were loaded before, or there is no catalogue revision yet."},
        413: {"description": "Too large."},
        422: {"description": "A bad row (unknown document, not a date, a replacement that is no document…): "
              "each problem with its line; the status served is kept."},
        503: {"description": "The data directory is read-only."},
        507: {"description": "The data directory is full."},
    },
)  # fmt: skip
async def upload_status_file(request: Request, name: str | None = None) -> JSONResponse:
    revisions = _revisions(request)
    _authorise(request, revisions.token)
    body = await read_body(request, revisions.max_upload_bytes, "the upload")
    data, source = await _catalogue_bytes(request, body, name or "status.csv")
    async with revisions.lock:
        try:
            meta = await asyncio.shield(_add(request.app, revisions, data, source))
        except StatusError as exc:
            return JSONResponse(exc.to_json(), status_code=422)
        except StatusExists as exc:
            return JSONResponse({"error": str(exc), "status_file": exc.meta.to_json()}, status_code=409)
        except NoRevision as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        except DirectoryUnwritable as exc:
            return JSONResponse({"error": str(exc)}, status_code=507 if exc.full else 503)
    return JSONResponse({"status_file": meta.to_json()}, status_code=201)


async def _add(app: FastAPI, revisions: Revisions, data: bytes, source: str) -> StatusFileMeta:
    """Read and add the file (in a thread), then publish its generation."""
    table = parse_status(data, source)
    meta, snapshot = await asyncio.to_thread(revisions.store.add_status, table, data)
    await publish(app, revisions, snapshot)
    return meta
