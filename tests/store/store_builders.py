"""Builders for small analysed articles with exact offsets (shared by store and web tests)."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import pytest

from saywho.models import Article, Attribution, Speaker, SpeakerRef, TextSpan
from saywho.store import Store

PG_DSN = os.environ.get("SAYWHO_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_DSN, reason="SAYWHO_TEST_PG is not set (run: eval \"$(.ci/postgres.sh | tail -n 1)\")"),
    ),
]


@dataclass
class Quote:
    """One attribution of a built article: ``"content," name said.``"""

    name: str
    content: str
    kind: str = "person"
    descriptors: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    type: str = "direct"


def build_article(
    quotes: list[Quote],
    *,
    input: str = "built.txt",
    published: str | None = "2016-05-01",
    publisher: str | None = "Example News",
    title: str | None = "A built article",
    extra: str = "",
) -> Article:
    """An analysed article with exact offsets, as the pipeline would return it."""
    text = ""
    speakers: dict[str, Speaker] = {}
    attributions: list[Attribution] = []
    for quote in quotes:
        local = next((s for s in speakers.values() if s.name == quote.name), None)
        if local is None:
            local = Speaker(f"s{len(speakers) + 1}", quote.name, quote.kind, list(quote.descriptors),
                            list(dict.fromkeys([quote.name, *quote.aliases])))
            speakers[local.id] = local
        local.attributions += 1
        start = len(text)
        text += f'"{quote.content}," '
        content = TextSpan.from_ranges(text, [(start, len(text) - 2)])
        cue_start = len(text) + len(quote.name) + 1
        text += f"{quote.name} said. "
        attributions.append(
            Attribution(
                type=quote.type,  # type: ignore[arg-type]
                content=content,
                cue=TextSpan.from_ranges(text, [(cue_start, cue_start + 4)]),
                source=TextSpan.from_ranges(text, [(cue_start - len(quote.name) - 1, cue_start - 1)]),
                speaker=SpeakerRef(local.id, local.name, local.kind, list(local.descriptors)),  # type: ignore[arg-type]
                confidence=0.9,
            )
        )
    return Article(
        input=input, text=text + extra, title=title, published=published, publisher=publisher,
        attributions=attributions, speakers=list(speakers.values()),
    )


def add(store: Store, article: Article) -> int | None:
    from saywho.store import content_hash

    return store.add_article(article, content_hash(article.text))


def speaker_of(store: Store, mention_name: str) -> set[int]:
    """The corpus speakers that mentions with this exact name belong to."""
    rows = store.backend.reader().all("SELECT DISTINCT speaker_id FROM mentions WHERE name = ?", (mention_name,))
    return {r["speaker_id"] for r in rows}


# --- wire copies ----------------------------------------------------------------

WORDS = [f"w{i}" for i in range(2000)]


def body(seed: int, words: int = 300) -> str:
    """An article body of its own: sentences of words no other seed produces in that order."""
    rng = random.Random(seed)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(words // 12)]
    return " " + " ".join(sentences)


def story(seed: int, quotes: list[Quote], *, publisher: str, edit: str = "", input: str | None = None) -> Article:
    """One copy of story ``seed`` as ``publisher`` ran it, with an edit of its own appended."""
    return build_article(quotes, extra=body(seed) + edit, publisher=publisher, input=input or f"{publisher}-{seed}.txt",
                         title=f"Story {seed}")
