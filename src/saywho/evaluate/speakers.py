"""The *who* of "who said what": speaker accuracy on a BBC-style speaker set.

The set (``../shared/data/bbc-speakers/dev.jsonl``) holds one JSON object per
article: ``{"file", "attributions": [{"type", "speaker", "speaker_kind",
"content_start", "content_end", ...}]}``, offsets into the article file read as
UTF-8. Its README fixes the metric, implemented here exactly so that figures
compare:

* saywho's beliefs (``act == "belief"``) are left out: the set annotates speech.
* tokens are ``\\w+|[^\\w\\s]`` over the article text; a token belongs to a span
  when it starts inside it. A prediction *matches* a gold attribution when their
  contents share at least half of each one's tokens; matching is one to one, each
  gold attribution in order taking the unused prediction with the largest overlap.
* recall = matched / gold; precision = matched / predicted.
* speaker accuracy, over matched gold attributions whose kind is not ``unnamed``:
  every word of the gold speaker (lower-cased ``\\w+`` words, honorifics removed)
  is among the words of saywho's speaker name.
* kind accuracy, over all matched gold attributions: the kinds are equal.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from saywho.errors import InputError
from saywho.evaluate.scoring import ratio
from saywho.models import Attribution, Document

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
#: Removed from both names before comparing, as the set's README says.
HONORIFICS = frozenset("mr mrs ms miss dr sir lord lady dame prof professor".split())
#: The categories of BBC News, in the order the tables show them.
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")


@dataclass(frozen=True, slots=True)
class GoldSpeech:
    """One annotated speech attribution."""

    type: str
    speaker: str
    kind: str
    content: tuple[int, int]
    cue: tuple[int, int] | None = None
    source: tuple[int, int] | None = None


@dataclass(slots=True)
class SpeakerArticle:
    file: str
    path: Path
    text: str
    gold: list[GoldSpeech]

    @property
    def category(self) -> str:
        return self.file.split("/", 1)[0]

    def document(self) -> Document:
        """What saywho is given: the file as is (scored with ``Options(raw=True)``)."""
        return Document(input=str(self.path), text=self.text)


#: The four figures of the set's metric: (name, numerator, denominator).
FIGURES = (
    ("recall", "matched", "gold"),
    ("precision", "matched", "predicted"),
    ("speaker_accuracy", "speaker_right", "named"),
    ("kind_accuracy", "kind_right", "matched"),
)


@dataclass(slots=True)
class SpeakerCounts:
    """Counts of one article, category or set; the figures are ratios of them (0.0 over nothing)."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    #: Matched gold attributions whose kind is not ``unnamed``, and those right.
    named: int = 0
    speaker_right: int = 0
    kind_right: int = 0

    def add(self, other: SpeakerCounts) -> None:
        for name in ("gold", "predicted", "matched", "named", "speaker_right", "kind_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figure(self, name: str) -> float:
        _, numerator, denominator = next(f for f in FIGURES if f[0] == name)
        return ratio(getattr(self, numerator), getattr(self, denominator))

    recall = property(lambda self: self.figure("recall"))
    precision = property(lambda self: self.figure("precision"))
    speaker_accuracy = property(lambda self: self.figure("speaker_accuracy"))
    kind_accuracy = property(lambda self: self.figure("kind_accuracy"))

    def to_dict(self) -> dict[str, float | int]:
        figures: dict[str, float | int] = {name: round(self.figure(name), 4) for name, _, _ in FIGURES}
        return figures | {"gold": self.gold, "predicted": self.predicted, "matched": self.matched}


@dataclass(frozen=True, slots=True)
class SpeakerError:
    """A matched attribution whose speaker or kind is wrong (what ``--errors`` prints)."""

    file: str
    sentence: str
    gold_speaker: str
    gold_kind: str
    speaker: str
    kind: str
    #: The source mention saywho resolved ("he", "the chancellor"), if any.
    source: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sentence": self.sentence,
            "gold": {"speaker": self.gold_speaker, "kind": self.gold_kind},
            "saywho": {"speaker": self.speaker, "kind": self.kind, "source": self.source},
        }


@dataclass(slots=True)
class SpeakerScores:
    overall: SpeakerCounts = field(default_factory=SpeakerCounts)
    by_category: dict[str, SpeakerCounts] = field(default_factory=dict)
    errors: list[SpeakerError] = field(default_factory=list)
    #: Gold attributions no prediction matched, as (file, sentence, gold speaker).
    missed: list[tuple[str, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.to_dict(),
            "by_category": {name: counts.to_dict() for name, counts in sorted(self.by_category.items())},
        }


def load_speaker_set(path: Path, articles_root: Path | None = None, limit: int | None = None) -> list[SpeakerArticle]:
    """Read the set and the article each line names.

    Articles are looked up under ``articles_root``, by default ``../bbc-news``
    beside the set's folder (``data/bbc-speakers/dev.jsonl`` -> ``data/bbc-news``).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    root = Path(articles_root) if articles_root is not None else path.resolve().parent.parent / "bbc-news"
    articles = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            articles.append(_parse_line(path, number, line, root))
            if limit is not None and len(articles) >= limit:
                break
    if not articles:
        raise InputError(str(path), "no articles in the file")
    return articles


def _parse_line(path: Path, number: int, line: str, root: Path) -> SpeakerArticle:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
        file = record["file"]
        article_path = root / file
        text = article_path.read_text(encoding="utf-8")
        gold = [
            GoldSpeech(
                type=a["type"],
                speaker=a["speaker"],
                kind=a["speaker_kind"],
                content=_offsets(a, "content", text, required=True),  # type: ignore[arg-type]
                cue=_offsets(a, "cue", text),
                source=_offsets(a, "source", text),
            )
            for a in record["attributions"]
        ]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise InputError(where, f"not a speaker-set record ({type(error).__name__}: {error})") from error
    except OSError as error:
        raise InputError(where, f"article not readable: {error.strerror or error}") from error
    return SpeakerArticle(file=file, path=article_path, text=text, gold=gold)


def _offsets(record: dict, role: str, text: str, required: bool = False) -> tuple[int, int] | None:
    start, end = record.get(f"{role}_start"), record.get(f"{role}_end")
    if start is None or end is None:
        if required:
            raise ValueError(f"{role} offsets missing")
        return None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        raise ValueError(f"{role} offsets {start}-{end} outside the article")
    return start, end


def name_words(name: str) -> list[str]:
    """The words of a speaker name as the metric compares them (honorifics dropped)."""
    return [w for w in _WORD.findall(name.lower()) if w not in HONORIFICS]


def speaker_right(gold: str, predicted: str) -> bool:
    """Every word of the gold name is among the words of saywho's name."""
    words = set(name_words(predicted))
    return all(w in words for w in name_words(gold))


class _Tokens:
    """Token start offsets of one text, for counting the tokens inside a span."""

    def __init__(self, text: str):
        self.starts = [m.start() for m in _TOKEN.finditer(text)]

    def inside(self, ranges: Iterable[tuple[int, int]]) -> set[int]:
        found: set[int] = set()
        for start, end in ranges:
            found.update(range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)))
        return found


def match(text: str, gold: Sequence[tuple[int, int]], predicted: Sequence[Sequence[tuple[int, int]]]) -> list[int | None]:
    """For each gold content span, the index of its matched prediction (or None)."""
    tokens = _Tokens(text)
    gold_sets = [tokens.inside([g]) for g in gold]
    pred_sets = [tokens.inside(p) for p in predicted]
    used: set[int] = set()
    out: list[int | None] = []
    for g in gold_sets:
        best, best_overlap = None, 0
        for index, p in enumerate(pred_sets):
            if index in used or not g or not p:
                continue
            shared = len(g & p)
            if 2 * shared >= len(g) and 2 * shared >= len(p) and shared > best_overlap:
                best, best_overlap = index, shared
        if best is not None:
            used.add(best)
        out.append(best)
    return out


def score_article(article: SpeakerArticle, predicted: Sequence[Attribution], scores: SpeakerScores) -> None:
    """Add one article's counts (and its errors) to ``scores``."""
    speech = [a for a in predicted if a.act != "belief"]
    counts = SpeakerCounts(gold=len(article.gold), predicted=len(speech))
    pairs = match(article.text, [g.content for g in article.gold], [a.content.spans for a in speech])
    for gold, index in zip(article.gold, pairs):
        if index is None:
            scores.missed.append((article.file, _sentence(article.text, gold.content), gold.speaker))
            continue
        ours = speech[index]
        name = ours.speaker.name if ours.speaker is not None else ""
        kind = ours.speaker.kind if ours.speaker is not None else ""
        counts.matched += 1
        name_ok = True
        if gold.kind != "unnamed":
            counts.named += 1
            name_ok = speaker_right(gold.speaker, name)
            counts.speaker_right += name_ok
        kind_ok = kind == gold.kind
        counts.kind_right += kind_ok
        if not (name_ok and kind_ok):
            scores.errors.append(
                SpeakerError(
                    article.file,
                    _sentence(article.text, gold.content),
                    gold.speaker,
                    gold.kind,
                    name,
                    kind,
                    ours.source.text if ours.source is not None else None,
                )
            )
    scores.overall.add(counts)
    scores.by_category.setdefault(article.category, SpeakerCounts()).add(counts)


def score(articles: Sequence[SpeakerArticle], predictions: Sequence[Sequence[Attribution]]) -> SpeakerScores:
    scores = SpeakerScores()
    for article, predicted in zip(articles, predictions):
        score_article(article, predicted, scores)
    return scores


def run_saywho(articles: Sequence[SpeakerArticle], jobs: int = 1, model: str | None = None, engine: str = "tagger") -> list[list[Attribution]]:
    """saywho end to end in raw mode, so offsets index the file text."""
    from saywho.pipeline import Options, analyse_parallel

    options = Options(raw=True, model=model, engine=engine)  # type: ignore[arg-type]
    predictions: list[list[Attribution]] = []
    for article, result in zip(articles, analyse_parallel((a.document() for a in articles), options, jobs)):
        if isinstance(result, InputError):
            raise InputError(article.file, f"saywho failed: {result.reason}")
        predictions.append(result.attributions)
    return predictions


def _sentence(text: str, span: tuple[int, int], width: int = 60) -> str:
    """The content with a little context, on one line."""
    start, end = span
    left = max(text.rfind("\n", 0, start) + 1, start - width)
    right = min(len(text), end + width)
    newline = text.find("\n", end)
    if newline != -1:
        right = min(right, newline)
    return " ".join(text[left:right].split())
