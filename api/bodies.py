"""Reading a request body within a byte limit: 413 as soon as it passes the limit."""

from __future__ import annotations

from fastapi import HTTPException, Request


async def read_body(request: Request, limit: int, what: str = "the request body") -> bytes:
    """The body, read chunk by chunk; 413 when Content-Length or the bytes read pass `limit`."""
    # Connection: close, so the server reads no more of it (uvicorn would drain it otherwise)
    too_large = HTTPException(413, f"{what} is larger than the limit of {limit} bytes", {"Connection": "close"})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
