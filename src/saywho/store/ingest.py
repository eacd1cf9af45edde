"""Filling the store: documents in, analysed articles stored, incrementally and idempotently.

A document whose content hash is stored already is skipped before analysis, so a
rerun costs only the reading. Each article is written in one transaction with its
attributions and speakers, so killing the process loses at most the article in
flight and never leaves half of one; the rerun picks up where it stopped.
Each article joins its story of wire copies (``saywho.store.stories``) in the
same transaction.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from saywho.errors import InputError
from saywho.ingest import SkippedInput
from saywho.models import Article, Document
from saywho.options import Options
from saywho.store.metadata import Metadata
from saywho.store.store import Store, content_hash


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    #: Analysed and written.
    stored: int = 0
    #: Already in the store (or twice in this run): nothing written.
    skipped: int = 0
    #: Not articles to analyse (another language, not a page), left out on purpose.
    ignored: int = 0
    failed: int = 0
    attributions: int = 0
    seconds: float = 0.0

    def added(self, article: Article, stored: bool) -> None:
        """Count one article the store was given: stored, or already there (skipped)."""
        if stored:
            self.stored += 1
            self.attributions += len(article.attributions)
        else:
            self.skipped += 1

    @property
    def processed(self) -> int:
        return self.stored + self.skipped + self.ignored + self.failed

    @property
    def rate(self) -> float:
        """Stored articles per second."""
        return self.stored / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"stored {self.stored} articles ({self.attributions} attributions) in {self.seconds:.1f} s "
            f"= {self.rate:.2f} articles/s; {self.skipped} already stored; "
            f"{self.ignored} skipped (not articles to analyse); {self.failed} failed"
        )


Progress = Callable[[IngestReport], None]


def ingest(
    store: Store,
    items: Iterable[Document | InputError],
    *,
    options: Options | None = None,
    jobs: int = 1,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Progress | None = None,
    metadata: Metadata | None = None,
) -> IngestReport:
    """Analyse and store every document not stored yet; return the counts.

    ``KeyboardInterrupt`` propagates after the in-flight article's transaction was
    rolled back; the report so far is on the exception as ``report``.
    """
    report = IngestReport()
    started = time.perf_counter()
    # A corpus stored before stories existed is grouped first (once; resumable).
    store.group_pending()
    hashes: deque[str | None] = deque()
    seen: set[str] = set()

    def fresh() -> Iterator[Document | InputError]:
        for item in items:
            if isinstance(item, InputError):
                hashes.append(None)
                yield item
                continue
            if metadata is not None:
                item = metadata.apply(item)
            key = content_hash(item)
            if key in seen or store.known_hashes([key]):
                report.skipped += 1
                _tick()
                continue
            seen.add(key)
            hashes.append(key)
            yield item

    def _tick() -> None:
        report.seconds = time.perf_counter() - started
        if on_progress is not None:
            on_progress(report)

    pending = fresh()
    first = next(pending, None)
    if first is None:  # nothing new: do not even load the model
        report.seconds = time.perf_counter() - started
        return report
    # Loaded only when there is something to analyse: the web app imports this module, and
    # must start (and serve searches) without spaCy.
    from saywho.pipeline import analyse_parallel

    try:
        for result in analyse_parallel(itertools.chain([first], pending), options or Options(), jobs):
            key = hashes.popleft()
            if isinstance(result, SkippedInput):
                report.ignored += 1
                if on_error is not None:
                    on_error(result)
            elif isinstance(result, InputError):
                report.failed += 1
                if on_error is not None:
                    on_error(result)
            else:
                assert key is not None and isinstance(result, Article)
                report.added(result, store.add_article(result, key) is not None)
            _tick()
    except KeyboardInterrupt as interrupt:
        report.seconds = time.perf_counter() - started
        interrupt.report = report  # type: ignore[attr-defined]
        raise
    report.seconds = time.perf_counter() - started
    return report
