"""The store layer's errors: a query that got no answer, a dump that could not be read.

Each `str()` is a message fit for the client; the API maps them to HTTP statuses.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Anything the store layer refuses or fails at."""


class QueryError(StoreError):
    """A query that got no result; `str()` is a message fit for the client."""


class QuerySyntaxError(QueryError):
    """The query (or a dataset IRI) does not parse."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class ResultTooLarge(QueryError):
    """The serialised result grew past the size limit."""


class QueryForbidden(QueryError):
    """A query the endpoint will not run: it would leave the host (SERVICE)."""


class MemoryLimit(QueryError):
    """The query's worker ran out of its memory limit and was stopped."""


class EngineUnavailable(QueryError):
    """No worker could take the query (busy, or one died)."""


class ServerBusy(EngineUnavailable):
    """Every worker is taken by long queries: try again in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DumpError(StoreError):
    """An RDF dump that cannot be read: the file and, when the parser says, the line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")
