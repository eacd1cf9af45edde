"""The records every stage passes on: ingest -> clean -> analyse -> speakers -> store/serve/scale.

These dataclasses are the output contract. ``docs/output.schema.json`` is generated
from them (``saywho schema``), never written by hand, so the two cannot drift apart.
Offsets are Python string indices (Unicode code points) into ``Article.text``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

AttributionType = Literal["direct", "indirect", "mixed"]
SpeechAct = Literal["speech", "belief"]
SpeakerKind = Literal["person", "organization", "group", "unnamed"]
#: The values of each vocabulary, for checks, choices and help texts: derived from the types,
#: never spelled out again (import these rather than writing the words in a tuple).
ATTRIBUTION_TYPES: tuple[AttributionType, ...] = get_args(AttributionType)
SPEECH_ACTS: tuple[SpeechAct, ...] = get_args(SpeechAct)
SPEAKER_KINDS: tuple[SpeakerKind, ...] = get_args(SpeakerKind)

Offsets = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A piece of the article: its text and the character ranges it covers.

    ``text`` is the covered ranges joined by a single space when there are
    several (a quote interrupted by its cue: ``"A," he said, "B."``).
    """

    text: str
    spans: tuple[Offsets, ...]

    @classmethod
    def from_ranges(cls, article_text: str, ranges: list[Offsets] | tuple[Offsets, ...]) -> TextSpan:
        ranges = tuple(sorted((int(s), int(e)) for s, e in ranges if e > s))
        return cls(" ".join(article_text[s:e] for s, e in ranges), ranges)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "spans": [list(s) for s in self.spans]}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TextSpan | None:
        if data is None:
            return None
        return cls(data["text"], tuple((int(s), int(e)) for s, e in data["spans"]))


@dataclass(slots=True)
class SpeakerRef:
    """Who an attribution is by, as resolved within its article."""

    id: str
    name: str
    kind: SpeakerKind
    descriptors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Speaker(SpeakerRef):
    """One canonical speaker of an article, with every way the article names it."""

    aliases: list[str] = field(default_factory=list)
    attributions: int = 0

    def ref(self) -> SpeakerRef:
        return SpeakerRef(self.id, self.name, self.kind, list(self.descriptors))


@dataclass(slots=True)
class When:
    """When a statement was made: the expression in the text and, if known, the ISO date."""

    text: str
    span: Offsets
    date: str | None = None


@dataclass(slots=True)
class Attribution:
    type: AttributionType
    content: TextSpan
    cue: TextSpan | None
    source: TextSpan | None
    speaker: SpeakerRef | None
    act: SpeechAct = "speech"
    when: When | None = None
    confidence: float = 0.5
    #: True for a headline that quotes the body; its speaker comes from the matching body quote.
    headline: bool = False
    #: True when this statement carries on the one before it: the second piece of a quotation its
    #: cue interrupts (``"X," she said, "Y."``) or an implicit continuation (``"X," she said. "Y."``).
    continues: bool = False


@dataclass(slots=True)
class DroppedLine:
    """A line the cleaner removed, kept so that a user can audit the cleaning."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(slots=True)
class Article:
    input: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    attributions: list[Attribution] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    dropped: list[DroppedLine] = field(default_factory=list)
    #: Offsets of ``text`` index the decoded input unchanged (``--raw``).
    raw: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for attribution, out in zip(self.attributions, data["attributions"]):
            for role in ("content", "cue", "source"):
                span = getattr(attribution, role)
                out[role] = span.to_dict() if span is not None else None
            if attribution.when is not None:
                out["when"]["span"] = list(attribution.when.span)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        attributions = []
        for a in data.get("attributions", []):
            speaker = a.get("speaker")
            when = a.get("when")
            attributions.append(
                Attribution(
                    type=a["type"],
                    content=TextSpan.from_dict(a["content"]),  # type: ignore[arg-type]
                    cue=TextSpan.from_dict(a.get("cue")),
                    source=TextSpan.from_dict(a.get("source")),
                    speaker=SpeakerRef(**speaker) if speaker else None,
                    act=a.get("act", "speech"),
                    when=When(when["text"], tuple(when["span"]), when.get("date")) if when else None,
                    confidence=a.get("confidence", 0.5),
                    headline=a.get("headline", False),
                    continues=a.get("continues", False),
                )
            )
        return cls(
            input=data["input"],
            text=data["text"],
            title=data.get("title"),
            published=data.get("published"),
            url=data.get("url"),
            publisher=data.get("publisher"),
            authors=list(data.get("authors") or []),
            language=data.get("language"),
            attributions=attributions,
            speakers=[Speaker(**s) for s in data.get("speakers", [])],
            dropped=[DroppedLine(**d) for d in data.get("dropped", [])],
            raw=data.get("raw", False),
        )


@dataclass(slots=True)
class Document:
    """An article as ingest hands it over: text and metadata, not yet analysed.

    ``text`` is what analysis reads and what output offsets index. For plain text
    it is the decoded input; for HTML it is the extracted title and body.
    """

    input: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    #: "text" for plain text that may carry scraping junk, "html" when the body
    #: came out of an HTML extractor (already clean).
    origin: Literal["text", "html", "record"] = "text"
    #: Things the user should hear about this input that do not stop it (a date that
    #: could not be read); commands say them on stderr. Not part of the output.
    warnings: list[str] = field(default_factory=list)
