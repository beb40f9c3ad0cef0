"""Citations parsed out of a 设定依据 (legal basis) cell. Placeholder until the parser lands."""

from __future__ import annotations

from loaders.records import Citation


def parse_citations(text: str, first_line: int) -> tuple[Citation, ...]:
    """Citations in `text`, whose i-th line ("\\n"-split) is source line `first_line + i`."""
    return ()
