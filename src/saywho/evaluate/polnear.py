"""PolNeAR: read the brat standoff annotations and score saywho (or textacy) on them.

Folder layout (one PolNeAR split)::

    DIR/text/NAME.txt                 the article
    DIR/attributions/NAME_XXXX.ann    its annotations; XXXX is the annotator
    DIR/metadata.tsv or DIR/../metadata.tsv   publisher, publication_date, title (optional)

Annotation lines used::

    T5<TAB>Source 75 105<TAB>text           a span (Source, Cue, Content, Attribution...)
    T7<TAB>Content 256 377;463 616<TAB>...  a discontinuous span
    E2<TAB>Attribution:T8 Content:T7 Cue:T6 Source:T5   one attribution

Offsets are Python string indices into the text file read as UTF-8 with newlines
untranslated; the ``.ann`` text column is only a copy (brat cuts it at the first
newline), so offsets are authoritative. ``Content2`` arguments join the content;
an event without content is skipped; ``Discard``/``Discuss`` spans are not
attributions. When an article has several annotators' files the first in sorted
order is the gold.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from saywho.errors import InputError
from saywho.evaluate.scoring import Scores, gold_act
from saywho.models import Attribution, Document, TextSpan
from saywho.nlp.quotes import QUOTE_CHARS
from saywho.nlp.statements import join_statements

_ID_LINE = re.compile(r"^[A-Z#]\d*\t")
_RANGE = re.compile(r"^(\d+) (\d+)$")
#: Event argument roles that carry content; PolNeAR numbers extra ones Content2, ...
_CONTENT_ROLE = re.compile(r"^Content\d*$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution (brat event)."""

    id: str
    content: TextSpan
    cue: TextSpan | None
    source: TextSpan | None


@dataclass(slots=True)
class PolnearArticle:
    name: str
    path: Path
    annotation: Path
    text: str
    gold: list[GoldAttribution]
    published: str | None = None
    title: str | None = None
    publisher: str | None = None
    #: Events without a Content argument, which cannot be scored.
    skipped_events: int = 0

    def document(self) -> Document:
        """What saywho is given: the file text as is (scored with ``Options(raw=True)``)."""
        return Document(
            input=str(self.path), text=self.text, published=self.published, publisher=self.publisher
        )


def _parse_ranges(ann: Path, line_no: int, field_text: str, text_length: int) -> tuple[tuple[int, int], ...]:
    ranges = []
    for piece in field_text.split(";"):
        found = _RANGE.match(piece.strip())
        if not found:
            raise InputError(str(ann), f"line {line_no}: bad offsets {piece!r}")
        start, end = int(found[1]), int(found[2])
        if not 0 <= start <= end <= text_length:
            raise InputError(str(ann), f"line {line_no}: offsets {start}-{end} outside the text ({text_length} chars)")
        ranges.append((start, end))
    return tuple(ranges)


def read_ann(ann: Path, text: str) -> tuple[list[GoldAttribution], int]:
    """The attributions of one ``.ann`` file and how many events had no content.

    Lines that do not start with a brat id continue the previous span's text
    (brat writes a newline inside a span as is) and are ignored.
    """
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    events: list[tuple[str, list[tuple[str, str]], int]] = []
    for line_no, line in enumerate(ann.read_text(encoding="utf-8").split("\n"), 1):
        line = line.rstrip("\r")
        if not _ID_LINE.match(line):
            continue
        fields = line.split("\t")
        if line.startswith("T"):
            label, _, offsets = fields[1].partition(" ")
            spans[fields[0]] = (label, _parse_ranges(ann, line_no, offsets, len(text)))
        elif line.startswith("E"):
            arguments = []
            for argument in fields[1].split():
                role, sep, target = argument.partition(":")
                if not sep:
                    raise InputError(str(ann), f"line {line_no}: bad event argument {argument!r}")
                arguments.append((role, target))
            events.append((fields[0], arguments, line_no))
    gold, skipped = [], 0
    for event_id, arguments, line_no in events:
        by_role: dict[str, list[tuple[int, int]]] = {"content": [], "cue": [], "source": []}
        for role, target in arguments:
            if target not in spans:
                raise InputError(str(ann), f"line {line_no}: event {event_id} points to unknown span {target}")
            key = "content" if _CONTENT_ROLE.match(role) else role.lower()
            if key in by_role:
                by_role[key].extend(spans[target][1])
        if not by_role["content"]:
            skipped += 1
            continue
        gold.append(
            GoldAttribution(
                id=event_id,
                content=TextSpan.from_ranges(text, by_role["content"]),
                cue=TextSpan.from_ranges(text, by_role["cue"]) if by_role["cue"] else None,
                source=TextSpan.from_ranges(text, by_role["source"]) if by_role["source"] else None,
            )
        )
    return gold, skipped


def _read_metadata(folder: Path) -> dict[str, dict[str, str]]:
    for candidate in (folder / "metadata.tsv", folder.parent / "metadata.tsv"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8", newline="") as handle:
                return {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t") if row.get("filename")}
    return {}


def _clean_value(value: str | None) -> str | None:
    return value if value and value != "None" else None


def load_polnear(folder: Path, limit: int | None = None, *, every_annotation: bool = False) -> list[PolnearArticle]:
    """Every annotated article of a PolNeAR folder, sorted by name (first ``limit`` only).

    An article annotated by several annotators is scored against the first file in
    sorted order; ``every_annotation`` gives one article per file instead (same text,
    each annotator's gold), which is more to learn from when training.
    """
    text_dir, ann_dir = folder / "text", folder / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(folder), "not a PolNeAR folder: needs text/ and attributions/")
    annotations: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        annotations.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    if not annotations:
        raise InputError(str(folder), "no .ann files in attributions/")
    metadata = _read_metadata(folder)
    articles = []
    for name in sorted(annotations)[:limit]:
        path = text_dir / f"{name}.txt"
        if not path.is_file():
            raise InputError(str(annotations[name][0]), f"no text file {path}")
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        meta = metadata.get(name, {})
        for annotation in annotations[name] if every_annotation else annotations[name][:1]:
            gold, skipped = read_ann(annotation, text)
            articles.append(
                PolnearArticle(
                    name=name,
                    path=path,
                    annotation=annotation,
                    text=text,
                    gold=gold,
                    published=_clean_value(meta.get("publication_date")),
                    title=_clean_value(meta.get("title")),
                    publisher=_clean_value(meta.get("publisher")),
                    skipped_events=skipped,
                )
            )
    return articles


# --- sentence boundaries ------------------------------------------------------


def sentence_bounds(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """Character ranges of sentences, the same for gold and every system.

    spaCy's rule-based ``sentencizer`` (no statistical model, so the units do not
    depend on the parser being evaluated), with line breaks as extra boundaries
    because titles and bylines end without a full stop.
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    out = []
    for text, doc in zip(texts, nlp.pipe(texts)):
        bounds = []
        for sent in doc.sents:
            start = sent.start_char
            for line in re.finditer(r"[^\n]+", text[sent.start_char : sent.end_char]):
                if line.group().strip():
                    bounds.append((start + line.start(), start + line.end()))
        out.append(bounds)
    return out


# --- systems under evaluation -------------------------------------------------


@dataclass(slots=True)
class SystemRun:
    """One system's predictions on the corpus, with its wall time."""

    name: str
    predictions: list[list[Attribution]]
    seconds: float
    #: Articles the system could not analyse (counted as predicting nothing).
    failures: dict[str, str] = field(default_factory=dict)


def run_saywho(
    articles: Sequence[PolnearArticle], jobs: int = 1, model: str | None = None, engine: str = "tagger"
) -> SystemRun:
    """saywho end to end in raw mode, so offsets index the file text."""
    from saywho.pipeline import Options, analyse_parallel, get_extractor

    options = Options(raw=True, model=model, engine=engine)  # type: ignore[arg-type]
    if jobs <= 1:
        get_extractor(options)  # load the model before the clock starts, as textacy's run does
    started = time.perf_counter()
    predictions: list[list[Attribution]] = []
    failures: dict[str, str] = {}
    for article, result in zip(articles, analyse_parallel((a.document() for a in articles), options, jobs)):
        if isinstance(result, InputError):
            failures[article.name] = result.reason
            predictions.append([])
        else:
            # PolNeAR keeps a quotation its cue interrupts as one attribution: join saywho's statements back.
            predictions.append(join_statements(result.attributions))
    return SystemRun("saywho", predictions, time.perf_counter() - started, failures)


def run_textacy(articles: Sequence[PolnearArticle], model: str | None = None) -> SystemRun:
    """textacy's ``direct_quotations`` on the same model's parse (optional bench dependency)."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise InputError("textacy", "not installed; pip install 'saywho[bench]' to compare with it") from error
    from saywho.nlp.model import load_model

    nlp = load_model(model)  # cached: the same pipeline object saywho ran on
    started = time.perf_counter()
    predictions: list[list[Attribution]] = []
    failures: dict[str, str] = {}
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
        try:
            predictions.append([_from_triple(article.text, triple) for triple in direct_quotations(doc)])
        except ValueError as error:  # textacy gives up on unbalanced quotation marks
            failures[article.name] = str(error).split(";")[0]
            predictions.append([])
    return SystemRun("textacy", predictions, time.perf_counter() - started, failures)


def annotated_more_than_once(folder: Path, limit: int | None = None) -> list[list[PolnearArticle]]:
    """Each article of the folder that has several annotators' files, as one entry per
    file (sorted order). Raises :class:`InputError` when there is none."""
    by_article: dict[str, list[PolnearArticle]] = {}
    for article in load_polnear(folder, limit, every_annotation=True):
        by_article.setdefault(article.name, []).append(article)
    groups = [files for files in by_article.values() if len(files) > 1]
    if not groups:
        raise InputError(str(folder), "no article has more than one annotator's file, so there is no agreement to measure")
    return groups


def annotator_pairs(groups: Sequence[Sequence[PolnearArticle]]) -> tuple[list[PolnearArticle], SystemRun]:
    """PolNeAR's annotators scored against each other, as if each were a system.

    For each article (``groups``: from :func:`annotated_more_than_once`), each
    pair of its annotators' files: the earlier one is the gold, the later one's
    attributions the prediction. Exact-match F1 does not depend on which of the
    two is taken as gold, so this measures how far people following the same
    guidelines agree: a yardstick for any system scored on the corpus.
    """
    golds: list[PolnearArticle] = []
    predictions: list[list[Attribution]] = []
    for files in groups:
        for i, first in enumerate(files):
            for second in files[i + 1 :]:
                golds.append(first)
                predictions.append([_as_prediction(g) for g in second.gold])
    return golds, SystemRun("annotators", predictions, 0.0)


def against_each_annotator(groups: Sequence[Sequence[PolnearArticle]], run: SystemRun) -> tuple[list[PolnearArticle], SystemRun]:
    """A system's predictions (``run``: one list per group, on its first file's text) paired
    with every annotator's file of the article: the system as one more annotator."""
    golds = [file for files in groups for file in files]
    predictions = [predicted for files, predicted in zip(groups, run.predictions) for _ in files]
    return golds, SystemRun(run.name, predictions, run.seconds, run.failures)


def _as_prediction(gold: GoldAttribution) -> Attribution:
    """An annotator's attribution in the shape the scorer takes from a system."""
    first = gold.content.text.lstrip()[:1]
    quoted = bool(first) and first in QUOTE_CHARS
    return Attribution(
        type="direct" if quoted else "indirect",
        content=gold.content,
        cue=gold.cue,
        source=gold.source,
        speaker=None,
        act=gold_act(gold.cue.text if gold.cue else None),  # type: ignore[arg-type]
    )


def _token_ranges(tokens) -> tuple[tuple[int, int], ...]:
    """Consecutive tokens joined into character ranges."""
    ranges: list[list[int]] = []
    last = None
    for token in sorted(tokens, key=lambda t: t.i):
        end = token.idx + len(token.text)
        if last is not None and token.i == last + 1:
            ranges[-1][1] = end
        else:
            ranges.append([token.idx, end])
        last = token.i
    return tuple((s, e) for s, e in ranges)


def _from_triple(text: str, triple) -> Attribution:
    speaker, cue, content = triple
    return Attribution(
        type="direct",
        content=TextSpan.from_ranges(text, [(content.start_char, content.end_char)]),
        cue=TextSpan.from_ranges(text, _token_ranges(cue)) if cue else None,
        source=TextSpan.from_ranges(text, _token_ranges(speaker)) if speaker else None,
        speaker=None,
    )


def score_run(
    articles: Sequence[PolnearArticle],
    run: SystemRun,
    sentences: Sequence[Sequence[tuple[int, int]]] | None = None,
    collect_errors: bool = True,
) -> Scores:
    scores = Scores()
    for i, (article, predicted) in enumerate(zip(articles, run.predictions)):
        scores.add_document(
            article.name,
            article.text,
            article.gold,
            predicted,
            sentences=sentences[i] if sentences is not None else None,
            collect_errors=collect_errors,
        )
    return scores

