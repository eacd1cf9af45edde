#!/usr/bin/env python
"""A large synthetic corpus, as ``saywho export`` JSONL, recombined from real analysed articles.

Analyses a base set once (BBC News and PolNeAR texts under ``--data``, rules mode; the
records are cached in ``--base``, outside git), then writes ``--articles`` new articles:

* each is a template base article's paragraphs, most kept, some swapped for paragraphs of
  other base articles, with every statement whose spans lie in a kept paragraph (offsets
  moved); so statements, cues and speakers recombine across articles;
* people get names drawn with a Zipf-Mandelbrot frequency over a large universe: the most
  frequent ranks are the base corpus's own most quoted people (Donald Trump, Hillary
  Clinton ...), the long tail is made up (first name, middle initial, surname); the other
  kinds (organisations, groups, "a spokesman") keep their names;
* new content (a dateline with publisher, date and a reference makes every text unique),
  publication dates over years with more articles in later years, publishers from a
  weighted list, and a share of wire copies: a recent article again under another
  publisher, a day or two later, as agencies' stories are.

The parameters are in ``make_corpus.json`` beside this script. Output streams, so memory
stays bounded (the base set, the name distribution and a window of recent articles for
copies): one million articles take a few minutes and about 9 GB of JSONL::

    python scripts/make_corpus.py --articles 10000 --seed 1 -o /tmp/corpus-10k.jsonl
    saywho import /tmp/corpus-10k.jsonl --db /tmp/corpus-10k.db

docs/benchmarks.md says how such a corpus differs from a real archive.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "make_corpus.json"
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
DEFAULT_BASE = Path.home() / ".cache" / "saywho" / "make_corpus-base.jsonl"
#: Zipf ranks drawn per call to the generator (drawing one at a time is slow).
DRAW_BATCH = 4096


@dataclass(slots=True)
class Paragraph:
    """One line of a base article with the statements lying wholly in it (offsets from its start)."""

    text: str
    attributions: list[dict[str, Any]]
    #: The base article's speaker records by local id, for the statements' speakers.
    speakers: dict[str, dict[str, Any]]
    origin: int


@dataclass(slots=True)
class Base:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


# --- the base set ------------------------------------------------------------------------
def base_texts(data: Path, bbc_per_section: int, polnear: int) -> list[Path]:
    """The texts analysed once: the first files of each BBC section and of PolNeAR's texts."""
    paths: list[Path] = []
    for section in sorted((data / "bbc-news").iterdir()):
        if section.is_dir():
            paths += sorted(section.glob("*.txt"))[:bbc_per_section]
    paths += sorted((data / "polnear").glob("*/text/*.txt"))[:polnear]
    if not paths:
        raise SystemExit(f"no texts under {data}/bbc-news or {data}/polnear/*/text")
    return paths


def analysed_base(base: Path, data: Path, bbc_per_section: int, polnear: int) -> list[dict[str, Any]]:
    """The analysed base records, from the cache or analysed now (then cached)."""
    if not base.exists():
        from saywho.ingest import iter_documents
        from saywho.models import Document
        from saywho.pipeline import Options, get_extractor

        paths = base_texts(data, bbc_per_section, polnear)
        print(f"analysing {len(paths)} base articles (once; cached in {base})", file=sys.stderr)
        extractor = get_extractor(Options(engine="rules"))  # the fast engine: the base is about volume, not accuracy
        base.parent.mkdir(parents=True, exist_ok=True)
        partial = base.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for document in iter_documents([str(p) for p in paths]):
                if not isinstance(document, Document):  # an unreadable file: one article fewer
                    continue
                record = extractor.analyse(document).to_dict()
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        partial.replace(base)
    with base.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _spans(attribution: dict[str, Any]) -> Iterator[tuple[int, int]]:
    for part in ("content", "cue", "source"):
        if attribution.get(part):
            yield from (tuple(s) for s in attribution[part]["spans"])
    if attribution.get("when"):
        yield tuple(attribution["when"]["span"])


def _shifted(attribution: dict[str, Any], by: int) -> dict[str, Any]:
    out = dict(attribution)
    for part in ("content", "cue", "source"):
        if out.get(part):
            out[part] = {"text": out[part]["text"], "spans": [[s + by, e + by] for s, e in out[part]["spans"]]}
    if out.get("when"):
        # The resolved date belonged to the base article's publication date: dropped.
        s, e = out["when"]["span"]
        out["when"] = {"text": out["when"]["text"], "span": [s + by, e + by], "date": None}
    return out


def split_base(records: list[dict[str, Any]]) -> list[Base]:
    """Each base article as its title and its paragraphs (lines), statements attached;
    headline statements and statements across lines are left out."""
    bases = []
    for origin, record in enumerate(records):
        text: str = record["text"]
        speakers = {s["id"]: s for s in record.get("speakers", [])}
        lines: list[tuple[int, int]] = []
        start = 0
        for line in text.split("\n"):
            if line.strip():
                lines.append((start, start + len(line)))
            start += len(line) + 1
        if not lines:
            continue
        title = record.get("title") or text[lines[0][0]:lines[0][1]]
        if text[lines[0][0]:lines[0][1]].strip() == title.strip():
            lines = lines[1:]
        base = Base(" ".join(title.split()[:16]))
        starts = [s for s, _ in lines]
        per_line: dict[int, list[dict[str, Any]]] = {}
        for attribution in record.get("attributions", []):
            if attribution.get("headline"):
                continue
            spans = list(_spans(attribution))
            where = bisect.bisect_right(starts, spans[0][0]) - 1
            if where < 0:
                continue
            line_start, line_end = lines[where]
            if all(line_start <= s and e <= line_end for s, e in spans):
                per_line.setdefault(where, []).append(_shifted(attribution, -line_start))
        for index, (line_start, line_end) in enumerate(lines):
            base.paragraphs.append(Paragraph(text[line_start:line_end], per_line.get(index, []), speakers, origin))
        bases.append(base)
    return bases


@dataclass(slots=True)
class Story:
    """What a generated article and its wire copies share."""

    title: str
    published: date | None
    paragraphs: list[Paragraph]
    #: The name drawn for each (base article, local speaker id) of the story.
    names: dict[tuple[int, str], str]


# --- names ----------------------------------------------------------------------------------
class Names:
    """Person names by Zipf-Mandelbrot rank: the base corpus's own people first, most quoted
    first, then made-up names (first name, middle initial after the first round, surname)."""

    def __init__(self, config: dict[str, Any], bases_records: list[dict[str, Any]], seed: int):
        quoted = Counter(
            a["speaker"]["name"] for r in bases_records for a in r.get("attributions", [])
            if a.get("speaker") and a["speaker"]["kind"] == "person" and len(a["speaker"]["name"].split()) >= 2
        )
        self.head = [name for name, _ in quoted.most_common()]
        self.first = config["first_names"]
        self.last = config["surnames"]
        universe = config["person_universe"]
        ranks = np.arange(1, universe + 1, dtype=np.float64)
        weights = (ranks + config["zipf_offset"]) ** -config["zipf_exponent"]
        self.cdf = np.cumsum(weights)
        self.cdf /= self.cdf[-1]
        self.rng = np.random.default_rng(seed)
        self.pending: list[int] = []

    def draw(self) -> str:
        if not self.pending:
            self.pending = np.searchsorted(self.cdf, self.rng.random(DRAW_BATCH)).tolist()[::-1]
        return self.name(self.pending.pop())

    def name(self, rank: int) -> str:
        if rank < len(self.head):
            return self.head[rank]
        index = rank - len(self.head)
        first = self.first[index % len(self.first)]
        index //= len(self.first)
        last = self.last[index % len(self.last)]
        round_ = index // len(self.last)
        if round_ == 0:
            return f"{first} {last}"
        middle = chr(ord("A") + (round_ - 1) % 26)
        suffix = "" if round_ <= 26 else f" {_roman(1 + (round_ - 1) // 26)}"
        return f"{first} {middle}. {last}{suffix}"


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


# --- articles -------------------------------------------------------------------------------
class Generator:
    def __init__(self, config: dict[str, Any], records: list[dict[str, Any]], seed: int):
        self.config = config
        self.bases = [b for b in split_base(records) if b.paragraphs]
        self.pool = [p for b in self.bases for p in b.paragraphs]
        self.names = Names(config, records, seed)
        self.rng = random.Random(seed)
        self.publishers = config["publishers"]
        self.publisher_weights = list(np.cumsum([w for _, _, w in self.publishers]))
        first, last = config["years"]
        self.years = list(range(first, last + 1))
        self.year_weights = list(np.cumsum([config["yearly_growth"] ** i for i in range(len(self.years))]))
        #: Recent articles (title, date, paragraphs, names given) that wire copies repeat.
        self.recent: deque[Story] = deque(maxlen=config["wire_copy_window"])

    def articles(self, count: int) -> Iterator[dict[str, Any]]:
        for number in range(count):
            if self.recent and self.rng.random() < self.config["wire_copy_share"]:
                yield self.wire_copy(number, self.rng.choice(self.recent))
            else:
                yield self.article(number)

    def _publisher(self) -> tuple[str, str]:
        name, domain, _ = self.publishers[bisect.bisect_right(self.publisher_weights, self.rng.random() * self.publisher_weights[-1])]
        return name, domain

    def _date(self) -> date | None:
        if self.rng.random() < self.config["undated_share"]:
            return None
        year = self.years[bisect.bisect_right(self.year_weights, self.rng.random() * self.year_weights[-1])]
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def article(self, number: int) -> dict[str, Any]:
        template = self.rng.choice(self.bases)
        paragraphs = [p if self.rng.random() < self.config["paragraphs_own_share"] else self.rng.choice(self.pool)
                      for p in template.paragraphs]
        story = Story(template.title, self._date(), paragraphs, {})
        record = self._record(number, story, self._publisher(), story.published)
        self.recent.append(story)
        return record

    def wire_copy(self, number: int, story: Story) -> dict[str, Any]:
        published = story.published + timedelta(days=self.rng.randrange(3)) if story.published else None
        return self._record(number, story, self._publisher(), published)

    def _record(self, number: int, story: Story, publisher: tuple[str, str], published: date | None) -> dict[str, Any]:
        """One article record; a story's people keep the names drawn for its first telling."""
        name, domain = publisher
        title, names = story.title, story.names
        reference = hashlib.blake2b(f"{number}".encode(), digest_size=4).hexdigest()
        dateline = f"{name} · {published.isoformat() if published else 'undated'} · ref {reference}-{number}"
        text = f"{title}\n\n{dateline}"
        attributions: list[dict[str, Any]] = []
        speakers: dict[tuple[int, str], dict[str, Any]] = {}
        for paragraph in story.paragraphs:
            text += "\n\n"
            offset = len(text)
            text += paragraph.text
            for attribution in paragraph.attributions:
                moved = _shifted(attribution, offset)
                ref = attribution.get("speaker")
                if ref is not None:
                    key = (paragraph.origin, ref["id"])
                    if key not in speakers:
                        speakers[key] = self._speaker(paragraph.speakers.get(ref["id"], ref), f"s{len(speakers) + 1}", names, key)
                    speaker = speakers[key]
                    speaker["attributions"] += 1
                    moved["speaker"] = {"id": speaker["id"], "name": speaker["name"], "kind": speaker["kind"],
                                        "descriptors": speaker["descriptors"]}
                attributions.append(moved)
        slug = "-".join(title.lower().split()[:6])
        day = published.isoformat() if published else None
        return {
            "input": f"generated/{domain}/{day or 'undated'}/{number}.txt",
            "text": text, "title": title, "published": day,
            "url": f"https://www.{domain}/{day or 'news'}/{''.join(c for c in slug if c.isalnum() or c == '-')}-{number}",
            "publisher": name, "authors": [], "language": "en",
            "attributions": attributions, "speakers": list(speakers.values()), "dropped": [], "raw": False,
        }

    def _speaker(self, base: dict[str, Any], local: str, names: dict[tuple[int, str], str],
                 key: tuple[int, str]) -> dict[str, Any]:
        old = base["name"]
        aliases = list(base.get("aliases", [old]))
        if base["kind"] == "person" and len(old.split()) >= 2:
            new = names.setdefault(key, self.names.draw())
            # Aliases naming the old person ("Mr Trump", "Donald J. Trump") go; "he", "the
            # senator" stay; the new name and surname stand in for the names.
            old_words = {w.lower() for w in old.replace(".", " ").split() if len(w) > 2}
            kept = [a for a in aliases if not old_words & {w.lower() for w in a.replace(".", " ").split()}]
            aliases = list(dict.fromkeys([new, new.split()[-1], *kept]))
            old = new
        return {"id": local, "name": old, "kind": base["kind"], "descriptors": list(base.get("descriptors", [])),
                "aliases": aliases, "attributions": 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="JSONL file to write (default: stdout)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with bbc-news/ and polnear/")
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="cache of the analysed base articles")
    parser.add_argument("--bbc-per-section", type=int, default=60)
    parser.add_argument("--polnear", type=int, default=200)
    parser.add_argument("--config", type=Path, default=CONFIG)
    args = parser.parse_args()
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    config = json.loads(args.config.read_text(encoding="utf-8"))
    records = analysed_base(args.base, args.data, args.bbc_per_section, args.polnear)
    generator = Generator(config, records, args.seed)
    handle = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    started = time.perf_counter()
    try:
        for number, record in enumerate(generator.articles(args.articles), 1):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number % 100_000 == 0:
                print(f"{number} articles, {number / (time.perf_counter() - started):.0f}/s", file=sys.stderr)
    finally:
        if args.output:
            handle.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
