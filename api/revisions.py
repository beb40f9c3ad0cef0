"""/api/revisions: list, read, diff and upload revisions of the catalogue.

Reads are open. An upload needs the token the server was started with (none = uploads
disabled), is size-limited while it is read, and is parsed, built and validated off the
event loop; with no Violation its generation is published to the query engine, so that
every query sees the old or the new graph, never a mix. Uploads are handled one at a time.
A large upload (or one sent with `Prefer: respond-async`) answers 202 with a job to poll
(api/jobs.py), which ends with the answer it would have had.

`api.app.create_app` includes this router and calls `attach(app, store, …)` when it
serves a revision store; its engine must be able to `publish(snapshot)` (the worker pool,
a remote engine). Each generation's default graph is its current revision; /api/ requests
overtaken by a publication run again (api/context.py). A data directory that refuses
the write answers 503 (read-only) or 507 (full), naming the directory.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.datastructures import UploadFile

from servicegraph.api import jobs
from servicegraph.api.bodies import read_body
from servicegraph.api.jobs import Answer
from servicegraph.api.models import Page
from servicegraph.api.openapi import ACCEPTED, PREFER
from servicegraph.api.routes import Limit, Offset
from servicegraph.api.tables import columns_of, csv_response, output_format, rows_of, wants_csv
from servicegraph.graph.diff import ChangeSet, diff_catalogues, to_text
from servicegraph.graph.media_types import TURTLE
from servicegraph.loaders.errors import CatalogueError
from servicegraph.store.engine import Snapshot
from servicegraph.store.errors import EngineUnavailable
from servicegraph.store.revisions import (
    DirectoryUnwritable,
    Outcome,
    Progress,
    RevisionExists,
    RevisionMeta,
    RevisionStore,
    UnknownRevision,
)

log = logging.getLogger("servicegraph.revisions")

DIFFS_KEPT = 32
"""Change sets kept in memory (revisions never change, so a kept diff stays right)."""

router = APIRouter(prefix="/api/revisions", tags=["revisions"])


@dataclass
class Revisions:
    """The app's revision store and upload settings (`app.state.revisions`)."""

    store: RevisionStore
    token: str | None
    max_upload_bytes: int
    async_upload_bytes: int  # larger uploads answer 202 with a job
    grace: float  # seconds a retired generation is kept for queries still running on it
    current: str | None = None  # the revision the engine serves
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    retired: dict[int, float] = field(default_factory=dict)  # generation → when it stopped serving
    diffs: dict[tuple[str, str], ChangeSet] = field(default_factory=dict)


def attach(
    app: FastAPI,
    store: RevisionStore,
    *,
    token: str | None,
    max_upload_bytes: int,
    async_upload_bytes: int,
    grace: float,
) -> None:
    """Serve `store`'s revisions from `app` (which must include `router` and `jobs.router`)."""
    current = store.current_id()
    app.state.revisions = Revisions(store, token or None, max_upload_bytes, async_upload_bytes, grace, current)
    jobs.attach(app)


def _revisions(request: Request) -> Revisions:
    return request.app.state.revisions


def _known(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except UnknownRevision as exc:
        raise HTTPException(404, str(exc)) from None


def revision_meta(revisions: Revisions, revision_id: str) -> RevisionMeta:
    """The metadata of one revision; 404 for an unknown one."""
    return _known(revisions.store.get, revision_id)


# ---- reads ----


@router.get(
    "",
    summary="The revisions, oldest first, a page at a time, and which one is current (format=csv: the page as CSV)",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
    dependencies=[Depends(output_format)],
)
async def list_revisions(request: Request, limit: Limit = 50, offset: Offset = 0) -> Any:
    revisions = _revisions(request)
    metas = revisions.store.revisions()
    items = [m.to_json() for m in metas[offset : offset + limit]]
    page = Page[dict[str, Any]](total=len(metas), limit=limit, offset=offset, items=items)
    listing = {"current": revisions.current, **page.model_dump(exclude={"items"}), "revisions": page.items}
    if wants_csv(request):
        rows = rows_of(listing) or []
        return csv_response(columns_of(rows), rows, "revisions")
    return listing


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such revision."}}
BAD_FORMAT: dict[int | str, dict[str, Any]] = {400: {"description": "An unknown format."}}


@router.get(
    "/{revision_id}",
    summary="One revision's metadata and validation report ('current' for the current one)",
    responses=NOT_FOUND,
)
async def get_revision(request: Request, revision_id: str) -> dict[str, Any]:
    revisions = _revisions(request)
    meta = _known(revisions.store.get, revision_id)
    return {
        "revision": meta.to_json(),
        "current": meta.id == revisions.current,
        "report": revisions.store.report_json(meta.id),
    }


@router.get(
    "/{revision_id}/report",
    summary="The validation report as JSON, or SHACL Turtle (?format=turtle)",
    responses={200: {"content": {"application/json": {}, TURTLE: {}}}, **NOT_FOUND, **BAD_FORMAT},
)
async def get_report(request: Request, revision_id: str, format: str | None = None) -> Response:
    store = _revisions(request).store
    meta = _known(store.get, revision_id)
    if format == "turtle" or (format is None and TURTLE in request.headers.get("accept", "")):
        return Response(store.report_turtle(meta.id), media_type=f"{TURTLE}; charset=utf-8")
    if format not in (None, "json"):
        raise HTTPException(400, "format is json or turtle")
    return JSONResponse(store.report_json(meta.id))


@router.get(
    "/{old}/diff/{new}",
    summary="What changed from revision `old` to revision `new` (?format=text to read)",
    responses={200: {"content": {"application/json": {}, "text/plain": {}}}, **NOT_FOUND, **BAD_FORMAT},
)
async def get_diff(request: Request, old: str, new: str, format: str = "json") -> Response:
    if format not in ("json", "text"):
        raise HTTPException(400, "format is json or text")
    changes = await change_set(_revisions(request), old, new)
    if format == "text":
        return PlainTextResponse(to_text(changes))
    return JSONResponse(changes.to_json())


async def change_set(revisions: Revisions, old: str, new: str) -> ChangeSet:
    """What changed from revision `old` to `new` (404 for an unknown one), kept for reuse."""
    a, b = _known(revisions.store.get, old).id, _known(revisions.store.get, new).id
    changes = revisions.diffs.get((a, b))
    if changes is None:
        changes = await asyncio.to_thread(_diff, revisions.store, a, b)
        if len(revisions.diffs) >= DIFFS_KEPT:
            revisions.diffs.pop(next(iter(revisions.diffs)))
        revisions.diffs[(a, b)] = changes
    return changes


def _diff(store: RevisionStore, old: str, new: str) -> ChangeSet:
    return diff_catalogues(store.catalogue(old), store.catalogue(new), store.base)


# ---- upload ----


def _authorise(request: Request, token: str | None) -> None:
    if token is None:
        raise HTTPException(403, "uploads are disabled: the server was started without an upload token")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Header values arrive decoded as latin-1: back to their bytes, compared with the token's UTF-8.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("latin-1"), token.encode()):
        raise HTTPException(
            401, "an upload needs the header 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
        )


async def _catalogue_bytes(request: Request, body: bytes, name: str | None) -> tuple[bytes, str]:
    """The catalogue file and its name: the first file of a multipart form, else the body."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return body, name or "upload.txt"
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async with Request(request.scope, replay).form(max_files=1) as form:
        upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
        if upload is None:
            raise HTTPException(422, "the form holds no file: send the catalogue as a file field")
        return await upload.read(), name or upload.filename or "upload.txt"


@router.post(
    "",
    status_code=201,
    summary="Upload a catalogue file (multipart or raw body); it becomes current unless it has a Violation",
    openapi_extra={
        "parameters": [PREFER],
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object", "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
    responses={
        202: ACCEPTED,
        401: {"description": "No or a wrong token."}, 403: {"description": "Uploads are disabled."},
        409: {"description": "These bytes, or the same catalogue in other bytes, were loaded before."},
        413: {"description": "Too large."},
        503: {"description": "The data directory cannot be written (read-only): nothing was added;"
              " or a remote engine could not take the revision; or too many upload jobs are waiting."},
        507: {"description": "The data directory is full: nothing was added."},
        422: {"description": "Not a catalogue (file, line, message), or a Violation (the full report)."},
    },
)  # fmt: skip
async def upload_revision(request: Request, name: str | None = None) -> Response:
    revisions = _revisions(request)
    _authorise(request, revisions.token)
    body = await read_body(request, revisions.max_upload_bytes, "the upload")
    data, source = await _catalogue_bytes(request, body, name)
    run = partial(_upload, request.app, revisions, data, source)
    return await jobs.answer(request, "revision", len(data), revisions.async_upload_bytes, run)


async def _upload(app: FastAPI, revisions: Revisions, data: bytes, source: str, progress: Progress) -> Answer:
    """Add the revision and publish it; the upload's answer."""
    async with revisions.lock:
        try:
            # Shielded: a client that goes away must not leave the pointer flipped but unpublished.
            outcome = await asyncio.shield(_add(app, revisions, data, source, progress))
        except CatalogueError as exc:
            error = {"error": "not a catalogue", "file": exc.source, "line": exc.line, "message": exc.message}
            return Answer(422, error)
        except RevisionExists as exc:
            return Answer(409, {"error": str(exc), "revision": exc.meta.to_json()})
        except DirectoryUnwritable as exc:
            log.error("upload refused: %s", exc)
            return Answer(507 if exc.full else 503, {"error": str(exc)})
        # a remote engine could not take the revision (kept, and copied there when the server next starts)
        except EngineUnavailable as exc:
            return Answer(503, {"error": str(exc)}, {"Retry-After": "5"})
    body = {
        "revision": outcome.meta.to_json(),
        "current": outcome.snapshot is not None,
        "report": outcome.report_json,
        "changes": outcome.changes.to_json() if outcome.changes else None,
    }
    if outcome.snapshot is None:
        return Answer(422, body)
    return Answer(201, body, {"Location": f"/api/revisions/{outcome.meta.id}"})


async def _add(app: FastAPI, revisions: Revisions, data: bytes, source: str, progress: Progress) -> Outcome:
    """Add the revision (in a thread) and, when accepted, publish it."""
    outcome = await asyncio.to_thread(revisions.store.add, data, source, None, progress)
    if outcome.snapshot is not None:
        await _publish(app, revisions, outcome)
    return outcome


async def _publish(app: FastAPI, revisions: Revisions, outcome: Outcome) -> None:
    """Serve the new generation and retire the old one."""
    assert outcome.snapshot is not None
    await publish(app, revisions, outcome.snapshot)
    revisions.current = outcome.meta.id


async def publish(app: FastAPI, revisions: Revisions, snapshot: Snapshot) -> None:
    """Serve `snapshot`, a new generation of the store, and retire the one it replaces."""
    engine = app.state.engine
    previous = engine.snapshot.generation
    await engine.publish(snapshot)
    now = time.monotonic()
    revisions.retired[previous] = now
    asyncio.get_running_loop().call_later(revisions.grace, partial(_prune, revisions))


def _prune(revisions: Revisions) -> None:
    """Delete the generations retired more than `grace` seconds ago."""
    now = time.monotonic()
    keep = {g for g, since in revisions.retired.items() if now - since < revisions.grace}
    for generation in revisions.store.prune(keep):
        revisions.retired.pop(generation, None)
