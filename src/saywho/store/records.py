"""The shapes of what the store returns: the dicts the CLI prints and the web API serves, typed.

They describe dicts (``TypedDict``), so code that already reads ``row["speaker"]`` keeps
working, and a type checker knows every field of :class:`saywho.Corpus`'s results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar

from saywho.models import Article


class StatementRecord(TypedDict):
    """One statement (a search result row): ``saywho search -f jsonl`` prints these fields."""

    id: int
    article_id: int
    published_date: str | None
    publisher: str | None
    title: str | None
    #: The corpus speaker; None for an unnamed speaker ("a spokesman") or none at all.
    speaker_id: int | None
    #: The corpus speaker's name, else the article's own name for the speaker.
    speaker: str | None
    speaker_kind: str | None
    #: How the article named the speaker.
    mention: str | None
    type: str
    act: str
    cue: str | None
    content: str
    confidence: float
    when_date: str | None
    #: The statement's position in its article (with the article's content hash, its id-free name).
    seq: int
    tags: list[str]
    bookmarked: bool
    #: The bookmark's note, None when there is none.
    note: str | None
    #: Articles carrying this statement among the results (wire copies of one story are one
    #: record unless the search asked for all copies; then 1).
    copies: int


class SpeakerSummary(TypedDict):
    """One row of the speakers list (``saywho speakers``), most quoted first."""

    id: int
    name: str
    kind: str
    attributions: int
    articles: int
    #: Other names, most frequent first (at most 5).
    aliases: list[str]
    descriptors: list[str]
    #: Publication date of the latest statement (None when all are undated).
    latest: str | None


class NameCount(TypedDict):
    name: str
    mentions: int


class DescriptorCount(TypedDict):
    descriptor: str
    mentions: int


class NameKey(TypedDict):
    key: str
    #: "auto" (resolution) or "manual" (a merge or split; never moved automatically).
    origin: str


class MonthCount(TypedDict):
    month: str
    attributions: int


class SpeakerRecord(TypedDict):
    """One speaker in full (``saywho speakers show``)."""

    id: int
    name: str
    kind: str
    #: Set when a merge folded this speaker into another one.
    merged_into: int | None
    aliases: list[NameCount]
    descriptors: list[DescriptorCount]
    keys: list[NameKey]
    attributions: int
    articles: int
    #: Publication date of the latest statement (None when all are undated).
    latest: str | None
    timeline: list[MonthCount]


class CorpusSpeakerRef(TypedDict):
    id: int | None
    name: str


class Marks(TypedDict):
    tags: list[str]
    bookmarked: bool
    note: str | None


class ArticleRecord(TypedDict):
    """One stored article: the analysed record plus what the corpus knows about it."""

    id: int
    content_hash: str
    input: str
    title: str | None
    published: str | None
    published_date: str | None
    publisher: str | None
    url: str | None
    ingested_at: str
    article: Article
    #: Statement ids in the order of ``article.attributions``.
    attribution_ids: list[int]
    #: The corpus speaker of each of the article's own speaker ids.
    speakers: dict[str, CorpusSpeakerRef]
    #: Statements whose speaker was fixed by hand (curation), by statement id: their speaker now.
    reassigned: dict[int, CorpusSpeakerRef]
    #: Tags and bookmark by statement id.
    marks: dict[int, Marks]
    #: The other articles of its story (wire copies), oldest first: id, title, publisher, published_date.
    copies: list[dict[str, Any]]


Row = TypeVar("Row")


@dataclass(slots=True)
class Page(Generic[Row]):
    """One page of results and how many there are in all; iterate it for the rows."""

    total: int
    rows: list[Row] = field(default_factory=list)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)
