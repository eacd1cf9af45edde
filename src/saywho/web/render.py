"""Turning stored records into what the templates draw: highlighted article text and a timeline.

Nothing here builds HTML: the templates (autoescaped) do, so article text, which is
untrusted, is always escaped.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
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
    #: The days the bar covers (inclusive), for linking it to the statements it counts.
    since: str | None = None
    until: str | None = None


@dataclass(slots=True)
class Timeline:
    bars: list[Bar]
    width: int
    height: int
    max_count: int
    first: str
    last: str
    unit: str


#: A timeline draws the finest of days, weeks, months and years that needs at most this
#: many bars: days for a few weeks of statements, weeks for up to a year, months for a few
#: years, years beyond. Fewer, wider bars stay readable at the page's width.
MAX_BARS = 60

#: The widest a bar is drawn (a few bins would otherwise fill the chart with slabs).
MAX_BAR_WIDTH = 48

#: Bin units from finest to coarsest.
UNITS = ("day", "week", "month", "year")


def timeline(days: dict[str, int], width: int = 720, height: int = 140, *, finest: str = "day",
             max_bars: int = MAX_BARS) -> Timeline | None:
    """Bars of statements per day, week, month or year, whichever is finest (from ``finest``
    up) within ``max_bars`` for the span of ``days`` (YYYY-MM-DD to a count); empty bins are
    zeros. The speaker page starts from days, the corpus overview from weeks.

    >>> t = timeline({"2016-05-02": 1, "2016-05-06": 2})
    >>> t.unit, [b.count for b in t.bars], t.first, t.last
    ('day', [1, 0, 0, 0, 2], '2016-05-02', '2016-05-06')
    >>> timeline({"2016-01-04": 1, "2016-05-06": 2}).unit
    'week'
    >>> timeline({"2014-01-04": 1, "2016-05-06": 2}).unit
    'month'
    """
    dated = {date.fromisoformat(d): n for d, n in days.items() if d}
    if not dated:
        return None
    first, last = min(dated), max(dated)
    units = UNITS[UNITS.index(finest):]
    unit, starts = next((u, s) for u in units if len(s := _bin_starts(first, last, u, max_bars)) <= max_bars or u == "year")
    counts = [0] * len(starts)
    for day, n in dated.items():
        counts[_bin_index(starts, day)] += n
    top = max(counts)
    slot = width / len(starts)
    bars = []
    for i, (start, n) in enumerate(zip(starts, counts)):
        end = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else _bin_end(start, unit)
        h = (height - 4) * n / top if top else 0
        w = min(max(slot * 0.8, 1), MAX_BAR_WIDTH)
        bars.append(Bar(_bin_label(start, unit), n, round(i * slot + (slot - w) / 2, 2), round(height - h, 2),
                        round(w, 2), round(h, 2), start.isoformat(), end.isoformat()))
    return Timeline(bars, width, height, top, bars[0].label, bars[-1].label, unit)


def _bin_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next_start(start: date, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(weeks=1)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _bin_end(start: date, unit: str) -> date:
    return _next_start(start, unit) - timedelta(days=1)


def _bin_starts(first: date, last: date, unit: str, max_bars: int) -> list[date]:
    starts = [_bin_start(first, unit)]
    while (following := _next_start(starts[-1], unit)) <= last:
        starts.append(following)
        if len(starts) > max_bars and unit != "year":
            break  # too many already: a coarser unit will be used
    return starts


def _bin_index(starts: list[date], day: date) -> int:
    return bisect_right(starts, day) - 1


def _bin_label(start: date, unit: str) -> str:
    if unit == "week":
        return f"week of {start.isoformat()}"
    if unit == "month":
        return start.isoformat()[:7]
    if unit == "year":
        return str(start.year)
    return start.isoformat()
