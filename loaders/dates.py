"""Dates as legal texts write them: 2022-05-01, 2022/5/1, 2022.5.1 or 2022年5月1日."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_DATE = re.compile(r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """The date `text` is, whole (surrounding spaces aside); None when it is none."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.fullmatch(text)
    return _date(match) if match else None


def date_in(text: str) -> date | None:
    """The first valid date written anywhere in `text` (e.g. a catalogue's title), else None."""
    for match in _DATE.finditer(unicodedata.normalize("NFKC", text)):
        found = _date(match)
        if found is not None:
            return found
    return None


def _date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:  # 2022-02-30
        return None
