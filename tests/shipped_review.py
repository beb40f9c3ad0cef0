"""What the shipped status table (loaders/status-facts/national.csv) says of the seed's
services, worked out from the parsed records and the table's rows alone, never from the
check under test: a citation is matched to a row by its document's title (any spelling
graph/statutes.py merges into that document, compared by `title_key`).

The seed's title gives no date, so every amendment counts as later than the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from servicegraph.graph.statutes import identify, title_key
from servicegraph.loaders.records import Catalogue
from servicegraph.loaders.status import shipped_status

ENDED = ("replaced", "repealed")


@dataclass(frozen=True, slots=True)
class Cited:
    """One citation of a document the shipped table speaks of."""

    number: int  # the item
    line: int
    title: str  # the row's document title
    event: str
    since: date
    replacement: str | None  # the row's replacement title


def cited(catalogue: Catalogue) -> list[Cited]:
    """Every citation of the seed whose document has a row in the shipped table."""
    rows = {title_key(r.document.title): r for r in shipped_status().rows}
    statutes = identify(catalogue.items)
    out = []
    for item in catalogue.items:
        for c in item.citations:
            keys = {title_key(s.title) for s in statutes.document(c).spellings}
            for key in keys & set(rows):
                row = rows[key]
                replacement = row.replacement.title if row.replacement else None
                out.append(Cited(item.number, c.line, row.document.title, row.event, row.date, replacement))
    return out


def to_review(catalogue: Catalogue) -> set[int]:
    """The items citing a document amended, replaced or repealed."""
    return {c.number for c in cited(catalogue)}


def only_repealed(catalogue: Catalogue) -> set[int]:
    """The items every citation of which is of a replaced or repealed document."""
    ended: dict[int, int] = {}
    for c in cited(catalogue):
        if c.event in ENDED:
            ended[c.number] = ended.get(c.number, 0) + 1
    return {i.number for i in catalogue.items if i.citations and ended.get(i.number) == len(i.citations)}
