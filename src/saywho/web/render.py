"""Turning stored records into what the templates draw: highlighted article text and a timeline.

Nothing here builds HTML: the templates (autoescaped) do, so article text, which is
untrusted, is always escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from saywho.models import Article

#: The only schemes an article's URL may have to become a link: javascript:, data: or
#: vbscript: in an href runs when clicked (the CSP stops it in today's browsers, but the
#: page must not depend on that).
LINK_SCHEMES = frozenset({"http", "https"})


def web_link(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (shown as text, not linked)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an invalid IPv6 host such as http://[x/
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        return None
    return url.strip()


#: How many distinct speaker colours the stylesheet defines (spk-0 .. spk-7).
SPEAKER_COLOURS = 8

#: When a role overlaps another inside one attribution, the more specific one is shown.
ROLE_PRIORITY = {"cue": 0, "source": 1, "content": 2}


@dataclass(slots=True)
class Segment:
    text: str
    role: str | None = None
    #: Index into the article's attributions, when the segment belongs to one.
    attribution: int | None = None


def segments(article: Article) -> list[Segment]:
    """Split the text at every span boundary; each piece knows its attribution and role."""
    marks: list[tuple[int, int, str, int]] = []
    for index, attribution in enumerate(article.attributions):
        for role in ("content", "cue", "source"):
            span = getattr(attribution, role)
            if span is None:
                continue
            for start, end in span.spans:
                start, end = max(0, start), min(len(article.text), end)
                if end > start:
                    marks.append((start, end, role, index))
    cuts = sorted({0, len(article.text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        if covering:
            # The first attribution wins an overlap; within it, cue > source > content.
            first = min(m[3] for m in covering)
            role = min((m[2] for m in covering if m[3] == first), key=ROLE_PRIORITY.__getitem__)
            segment = Segment(article.text[start:end], role, first)
        else:
            segment = Segment(article.text[start:end])
        if out and out[-1].role == segment.role and out[-1].attribution == segment.attribution:
            out[-1].text += segment.text
        else:
            out.append(segment)
    return out


@dataclass(slots=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class Timeline:
    bars: list[Bar]
    width: int
    height: int
    max_count: int
    first: str
    last: str
    unit: str


#: More months than this are drawn as years, so bars stay wide enough to see.
MAX_MONTH_BARS = 120


def timeline(rows: list[dict[str, Any]], width: int = 720, height: int = 140) -> Timeline | None:
    """Bars of statements per month (per year for long spans), gaps filled with zeros."""
    counts = {r["month"]: r["attributions"] for r in rows if r.get("month")}
    if not counts:
        return None
    months = _month_range(min(counts), max(counts))
    unit = "month"
    if len(months) > MAX_MONTH_BARS:
        unit = "year"
        yearly: dict[str, int] = {}
        for month, n in counts.items():
            yearly[month[:4]] = yearly.get(month[:4], 0) + n
        counts = yearly
        months = [str(y) for y in range(int(min(counts)), int(max(counts)) + 1)]
    top = max(counts.values())
    slot = width / len(months)
    bars = []
    for i, label in enumerate(months):
        n = counts.get(label, 0)
        h = (height - 4) * n / top if top else 0
        bars.append(Bar(label, n, round(i * slot + slot * 0.1, 2), round(height - h, 2), round(max(slot * 0.8, 1), 2), round(h, 2)))
    return Timeline(bars, width, height, top, months[0], months[-1], unit)


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out
