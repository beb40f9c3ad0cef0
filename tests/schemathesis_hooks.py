"""Schemathesis hooks for tests/test_openapi.py (loaded through $SCHEMATHESIS_HOOKS):
how to send an `application/sparql-query` body, a media type it has no serializer for."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/sparql-query")
def sparql_query(context: Any, value: Any) -> bytes:
    """The query as UTF-8 (a generated non-string value as its text)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")
