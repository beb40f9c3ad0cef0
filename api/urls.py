"""Absolute URLs of this server, never taken from the request's Host header.

They start with `Settings.public_url` when one is configured (the address clients use,
e.g. behind a proxy), else with the address the server's socket listens on.
"""

from __future__ import annotations

from fastapi import Request


def public_url(request: Request, path: str) -> str:
    """The absolute URL of `path` (which starts with /) on this server."""
    base = request.app.state.settings.public_url
    if base is None:
        host, port = request.scope.get("server") or ("127.0.0.1", 80)
        host = f"[{host}]" if ":" in host else host
        base = f"{request.scope.get('scheme', 'http')}://{host}:{port}"
    return base.rstrip("/") + path
