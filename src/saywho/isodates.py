"""Reading the dates users and records give (``--published``, ``--since``, a record's
``published``, an upload's form field): one parser for every entry point, light enough
for the store and the web layer to import (no spaCy, no dateparser)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_date(value: str, *, bound: Literal["start", "end"] | None = None) -> str:
    """The one reader of dates that users and records give: an ISO 8601 date as ``YYYY-MM-DD``.

    Accepted: ``2024-05-02``, the basic ``20240502``, the week date ``2024-W18-4``, and a
    date-time (its date). Where a range makes sense (``bound``), a year or a month too:
    ``2019`` is 2019-01-01 as a start and 2019-12-31 as an end. Anything else, impossible
    dates included (``2020-13-45``, ``2005-02-30``), is a ``ValueError`` saying what is wanted.
    """
    text = value.strip()
    if bound is not None and (partial := _PARTIAL.fullmatch(text)):
        year, month = int(partial.group(1)), int(partial.group(2) or 0)
        if year < 1:
            pass  # year 0 does not exist: falls through to the error
        elif partial.group(2) is None:
            return f"{year:04d}-01-01" if bound == "start" else f"{year:04d}-12-31"
        elif 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return f"{year:04d}-{month:02d}-{1 if bound == 'start' else last:02d}"
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        # A date-time only when it has a time part: fromisoformat alone also reads "2024" oddly.
        if "T" in text or " " in text:
            return dt.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    wanted = "a date like 2016-05-31" + (" (or 2016-05, 2016)" if bound else "")
    raise ValueError(f"{value!r} is not {wanted}")
