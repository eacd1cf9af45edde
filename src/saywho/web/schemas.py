"""Shapes of the JSON API (they make /openapi.json describe real responses)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from saywho.models import AttributionType


class Statement(BaseModel):
    id: int
    article_id: int
    published_date: str | None = None
    publisher: str | None = None
    title: str | None = None
    speaker_id: int | None = Field(None, description="Corpus speaker; null for unnamed speakers.")
    speaker: str | None = Field(None, description="Corpus speaker name, or the mention's name when unnamed.")
    speaker_kind: str | None = None
    mention: str | None = Field(None, description="How the article named the speaker.")
    type: AttributionType
    act: str
    cue: str | None = None
    content: str
    confidence: float
    when_date: str | None = None
    tags: list[str] = []
    bookmarked: bool = False
    note: str | None = Field(None, description="The bookmark's note, when one was written.")
    copies: int = Field(1, description="Articles carrying this statement among the results: its wire copies are one "
                        "result unless all=true.")


class SearchResults(BaseModel):
    total: int
    limit: int
    offset: int
    results: list[Statement]
    next_after: str | None = Field(None, description="Cursor of the next page (pass it as after); null on the last page.")


class SpeakerSummary(BaseModel):
    id: int
    name: str
    kind: str
    attributions: int
    articles: int
    #: Publication date of the article of the latest statement (None if none is dated).
    latest: str | None = None
    aliases: list[str]
    descriptors: list[str]


class SpeakerList(BaseModel):
    total: int
    limit: int
    offset: int
    results: list[SpeakerSummary]


class Alias(BaseModel):
    name: str
    mentions: int


class Descriptor(BaseModel):
    descriptor: str
    mentions: int


class NameKey(BaseModel):
    key: str
    origin: Literal["auto", "manual"]


class MonthCount(BaseModel):
    month: str
    attributions: int


class SpeakerDetail(BaseModel):
    id: int
    name: str
    kind: str
    merged_into: int | None = None
    attributions: int
    articles: int
    latest: str | None = None
    aliases: list[Alias]
    descriptors: list[Descriptor]
    keys: list[NameKey]
    timeline: list[MonthCount]


class ArticleSummary(BaseModel):
    id: int
    input: str
    title: str | None = None
    published_date: str | None = None
    publisher: str | None = None
    attributions: int


class ArticleList(BaseModel):
    total: int
    limit: int
    offset: int
    results: list[ArticleSummary]


class StoredArticle(BaseModel):
    id: int
    content_hash: str
    ingested_at: str
    attribution_ids: list[int] = Field(description="Statement ids, in the order of article.attributions.")
    corpus_speakers: dict[str, int | None] = Field(description="Corpus speaker id by the article's speaker id.")
    article: dict[str, Any] = Field(description="The extract output for this article (see docs/output.schema.json).")


class UploadResult(BaseModel):
    id: int
    created: bool = Field(description="False when the same text was stored already.")
    attributions: int


class Stats(BaseModel):
    articles: int
    attributions: int
    mentions: int
    speakers: int
    dialect: str
    writable: bool


class TagCount(BaseModel):
    tag: str
    statements: int


class TagIn(BaseModel):
    tag: str = Field(min_length=1, max_length=64)


class BookmarkIn(BaseModel):
    note: str = Field("", max_length=1000)


class MergeIn(BaseModel):
    others: list[int] = Field(min_length=1, description="Speakers that are the same as this one.")


class SplitIn(BaseModel):
    names: list[str] = Field(min_length=1, description="Mention names that belong to a different speaker.")


class SplitResult(BaseModel):
    new_speaker_id: int


class ReassignIn(BaseModel):
    """Who said a statement: a known speaker by id, or a new one by name and kind."""

    speaker_id: int | None = Field(None, description="A known corpus speaker (see /api/speakers/suggest).")
    name: str | None = Field(None, min_length=1, max_length=200, description="A new speaker's name (with kind).")
    kind: Literal["person", "organization", "group"] | None = Field(None, description="A new speaker's kind.")

    @model_validator(mode="after")
    def one_target(self) -> ReassignIn:
        if (self.speaker_id is None) == (self.name is None):
            raise ValueError("give either speaker_id or name (with kind)")
        if self.name is not None and self.kind is None:
            raise ValueError("a new speaker needs a kind: person, organization or group")
        return self


class SpeakerSuggestion(BaseModel):
    id: int
    name: str
    kind: str
    articles: int = Field(description="Articles that quote or name this speaker.")
