"""The one error a loader raises: it names the file and the line."""

from __future__ import annotations


class CatalogueError(Exception):
    """Input that cannot be read as a catalogue.

    `line` is 1-based; None when the problem concerns the whole file.
    """

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
