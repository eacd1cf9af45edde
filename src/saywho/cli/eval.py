"""``saywho eval``: score saywho against annotated corpora (``docs/evaluation.md``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_USAGE,
    EngineOpt,
    JobsOpt,
    JsonAliasOpt,
    ModeAliasOpt,
    ModelOpt,
    chosen_engine,
    command_group,
    fail,
    message_line,
)
from saywho.errors import InputError
from saywho.output import atomic_file

# The scorers load spaCy and the corpora readers: imported by each command when it runs.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from saywho.evaluate.polnear import SystemRun
    from saywho.evaluate.scoring import Counts, Scores
    from saywho.evaluate.speakers import SpeakerCounts, SpeakerScores


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command group to the main CLI."""
    eval_app = command_group("eval", "Score saywho against annotated corpora.")
    eval_app.command("polnear")(polnear)
    eval_app.command("agreement")(agreement)
    eval_app.command("speakers")(speakers)
    app.add_typer(eval_app, name="eval")


#: Options that ``eval polnear`` and ``eval agreement`` share.
Folder = Annotated[Path, typer.Argument(metavar="FOLDER", help="A PolNeAR split: holds text/ and attributions/.")]
#: What eval prints: tables for people, or one JSON document.
REPORT_FORMATS = ("table", "json")
ReportFormat = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table (for people) or json.")]


def report_format(fmt: str, as_json: bool) -> str:
    """``--format``, or json for the deprecated ``--json`` (said once on stderr)."""
    if as_json:
        typer.echo(message_line("warning", "--json is deprecated: use --format json"), err=True)
        return "json"
    if fmt not in REPORT_FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}", EXIT_USAGE)
    return fmt


def escape(text: str) -> str:
    """Text shown as it is, never read as rich markup (rich is loaded only to print)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console() -> Console:
    from rich.console import Console

    return Console()

Sentences = Annotated[bool, typer.Option("--sentences/--no-sentences", help="Also score at sentence level.")]


def polnear(
    folder: Folder,
    limit: Annotated[int | None, typer.Option(metavar="N", help="Score only the first N articles (sorted by name).", min=1)] = None,
    jobs: JobsOpt = 1,
    fmt: ReportFormat = "table",
    as_json: JsonAliasOpt = False,
    errors: Annotated[int, typer.Option(metavar="N", help="Show up to N examples of each kind of error per role.", min=0)] = 0,
    errors_file: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Write every saywho error to this JSON-lines file (for grep/jq).")
    ] = None,
    seed: Annotated[int, typer.Option(metavar="N", help="Seed for sampling error examples.")] = 0,
    textacy: Annotated[
        bool, typer.Option("--textacy", help="Also score textacy's direct_quotations on the same articles.")
    ] = False,
    sentences: Sentences = True,
    model: ModelOpt = None,
    engine: EngineOpt = "tagger",
    mode: ModeAliasOpt = None,
) -> None:
    """Precision, recall and F1 of source, cue and content, and of whole attributions, on PolNeAR."""
    chosen = report_format(fmt, as_json)
    engine = chosen_engine(engine, mode, code=EXIT_INPUT_FAILED)  # eval exits 1 on whatever stops it
    try:
        report = evaluate_polnear(folder, limit=limit, jobs=jobs, textacy=textacy, sentences=sentences, model=model, engine=engine)
    except InputError as error:
        fail(str(error), EXIT_INPUT_FAILED)
    saywho_scores = report["scores"]["saywho"]
    if errors_file is not None:
        _write_jsonl(errors_file, (e.to_dict() for e in saywho_scores.errors))
    if chosen == "json":
        out = _report_dict(report)
        if errors:
            out["errors"] = [e.to_dict() for e in saywho_scores.sample_errors(errors, seed)]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = _console()
    _print_report(console, report)
    if errors:
        _print_errors(console, saywho_scores, errors, seed)


def agreement(
    folder: Folder,
    limit: Annotated[int | None, typer.Option(metavar="N", help="Look at the first N articles only (sorted by name).", min=1)] = None,
    fmt: ReportFormat = "table",
    as_json: JsonAliasOpt = False,
    sentences: Sentences = True,
    saywho: Annotated[
        bool, typer.Option("--saywho", help="Also score saywho against each annotator on the same articles.")
    ] = False,
    jobs: JobsOpt = 1,
    model: ModelOpt = None,
    engine: EngineOpt = "tagger",
    mode: ModeAliasOpt = None,
) -> None:
    """How far PolNeAR's annotators agree with each other, scored as saywho is.

    Every pair of annotators' files of each article annotated more than once,
    one taken as gold and the other as a prediction: the same tables as
    ``saywho eval polnear``, a yardstick for a system's figures. With
    ``--saywho``, saywho's output on the same articles is scored against each
    annotator's file, as if it were one more annotator.
    """
    chosen = report_format(fmt, as_json)
    engine = chosen_engine(engine, mode, code=EXIT_INPUT_FAILED)  # eval exits 1 on whatever stops it
    from saywho.evaluate.polnear import (
        against_each_annotator,
        annotated_more_than_once,
        annotator_pairs,
        run_saywho,
        score_run,
        sentence_bounds,
    )

    try:
        groups = annotated_more_than_once(folder, limit)
        golds, run = annotator_pairs(groups)
        pairs = {"annotators": (golds, run)}
        if saywho:
            firsts = [files[0] for files in groups]
            pairs["saywho"] = against_each_annotator(groups, run_saywho(firsts, jobs=jobs, model=model, engine=engine))
    except InputError as error:
        fail(str(error), EXIT_INPUT_FAILED)
    texts = {files[0].name: files[0].text for files in groups}  # each article's sentences once
    by_name = dict(zip(texts, sentence_bounds(list(texts.values())))) if sentences else {}
    scores = {
        name: score_run(g, r, [by_name[a.name] for a in g] if sentences else None, collect_errors=False)
        for name, (g, r) in pairs.items()
    }
    if chosen == "json":
        out = {"folder": str(folder), "articles": len(groups), "pairs": {name: len(g) for name, (g, _) in pairs.items()}}
        json.dump(out | {name: s.to_dict() for name, s in scores.items()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = _console()
    console.print(
        f"[bold]{escape(str(folder))}[/]: {len(groups)} articles annotated more than once, {len(golds)} pairs of annotators",
        soft_wrap=True,
    )
    for name, article_scores in scores.items():
        label = "annotators against each other" if name == "annotators" else f"saywho ({engine}) against each annotator"
        console.print(f"\n[bold]{label}[/]: {len(pairs[name][0])} pairs")
        _print_tables(console, name, article_scores)


def speakers(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A speaker set: one JSON object per article (the format of data/bbc-speakers/dev.jsonl).")],
    articles: Annotated[
        Path | None, typer.Option(metavar="FOLDER", help="Folder the set's file names are relative to (default: ../bbc-news beside the set's folder).")
    ] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", help="Score only the first N articles of the set.", min=1)] = None,
    jobs: JobsOpt = 1,
    fmt: ReportFormat = "table",
    as_json: JsonAliasOpt = False,
    errors: Annotated[int, typer.Option(metavar="N", help="Print up to N attributions whose speaker or kind is wrong.", min=0)] = 0,
    model: ModelOpt = None,
    engine: EngineOpt = "tagger",
    mode: ModeAliasOpt = None,
) -> None:
    """Who said it: recall, precision, speaker accuracy and kind accuracy on a speaker set.

    The metric is the set's own (docs/speakers.md): beliefs are left out; a
    statement matches a gold one when their contents share half of each one's
    tokens; the speaker is right when every word of the gold name (honorifics
    aside) is in saywho's; kinds must be equal. Per BBC category and overall.
    """
    chosen = report_format(fmt, as_json)
    engine = chosen_engine(engine, mode, code=EXIT_INPUT_FAILED)  # eval exits 1 on whatever stops it
    from saywho.evaluate.speakers import load_speaker_set
    from saywho.evaluate.speakers import run_saywho as run_saywho_speakers
    from saywho.evaluate.speakers import score as score_speakers

    try:
        dataset = load_speaker_set(path, articles, limit)
        scores = score_speakers(dataset, run_saywho_speakers(dataset, jobs=jobs, model=model, engine=engine))
    except InputError as error:
        fail(str(error), EXIT_INPUT_FAILED)
    if chosen == "json":
        out = {"set": str(path), "articles": len(dataset), "engine": engine} | scores.to_dict()
        if errors:
            out["errors"] = [e.to_dict() for e in scores.errors[:errors]]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = _console()
    console.print(f"[bold]{escape(str(path))}[/]: {len(dataset)} articles, saywho, {engine} engine", soft_wrap=True)
    console.print(_speaker_table(scores))
    if errors:
        _print_speaker_errors(console, scores, errors)


def _speaker_table(scores: SpeakerScores) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title="speakers (%)", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("", "recall", "precision", "speaker", "kind", "gold", "pred", "matched"):
        table.add_column(column, justify="left" if not column else "right", no_wrap=True)

    def row(label: str, c: SpeakerCounts) -> None:
        table.add_row(
            label, _pct(c.recall), _pct(c.precision), _pct(c.speaker_accuracy), _pct(c.kind_accuracy),
            str(c.gold), str(c.predicted), str(c.matched),
        )

    for category, counts in sorted(scores.by_category.items()):
        row(category, counts)
    row("all", scores.overall)
    return table


def _print_speaker_errors(console: Console, scores: SpeakerScores, limit: int) -> None:
    console.rule(f"[bold]wrong speakers or kinds[/] ({len(scores.errors)} in all, first {min(limit, len(scores.errors))})")
    for error in scores.errors[:limit]:
        source = f" (from [italic]{escape(error.source)}[/])" if error.source else ""
        console.print(
            f"[dim]{escape(error.file)}[/]  gold: [green]{escape(error.gold_speaker)}[/] ({error.gold_kind})"
            f"  saywho: [red]{escape(error.speaker or '(none)')}[/] ({error.kind or '-'}){source}\n  [dim]{escape(_short(error.sentence))}[/]",
            highlight=False,
        )


def evaluate_polnear(
    folder: Path,
    *,
    limit: int | None = None,
    jobs: int = 1,
    textacy: bool = False,
    sentences: bool = True,
    model: str | None = None,
    engine: str = "tagger",
) -> dict:
    """Load the corpus, run the systems, score them; the data behind both outputs."""
    from saywho.evaluate.polnear import load_polnear, run_saywho, run_textacy, score_run, sentence_bounds

    articles = load_polnear(folder, limit)
    bounds = sentence_bounds([a.text for a in articles]) if sentences else None
    runs: list[SystemRun] = [run_saywho(articles, jobs=jobs, model=model, engine=engine)]
    if textacy:
        runs.append(run_textacy(articles, model=model))
    return {
        "folder": str(folder),
        "engine": engine,
        "articles": len(articles),
        "gold_attributions": sum(len(a.gold) for a in articles),
        "skipped_events": sum(a.skipped_events for a in articles),
        "runs": {run.name: run for run in runs},
        # Errors are collected for saywho only: they are for tuning its rules.
        "scores": {run.name: score_run(articles, run, bounds, collect_errors=run.name == "saywho") for run in runs},
    }


def _report_dict(report: dict) -> dict:
    systems = {}
    for name, run in report["runs"].items():
        scores = report["scores"][name].to_dict()
        scores["seconds"] = round(run.seconds, 2)
        scores["articles_per_second"] = round(report["articles"] / run.seconds, 2) if run.seconds else None
        scores["failures"] = run.failures
        systems[name] = scores
    return {key: report[key] for key in ("folder", "engine", "articles", "gold_attributions", "skipped_events")} | {
        "systems": systems
    }


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


#: Columns of the score table: (mode, metric); strict shows F1 only, to fit 80 columns.
_COLUMNS = (("strict", "F1"), ("exact", "P"), ("exact", "R"), ("exact", "F1"), ("overlap", "P"), ("overlap", "R"), ("overlap", "F1"))


_MODE_ABBREVIATIONS = {"strict": "str", "exact": "ex", "overlap": "ov"}


def _score_table(title: str, rows: Sequence[tuple[str, Mapping[Any, Counts]]]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        caption="str = strict, ex = exact, ov = overlap (docs/evaluation.md)",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("", no_wrap=True)
    for mode, metric in _COLUMNS:
        label = f"{_MODE_ABBREVIATIONS[mode]} {metric}"
        table.add_column(label, justify="right", no_wrap=True, style="bold" if metric == "F1" else None)
    table.add_column("gold", justify="right")
    table.add_column("pred", justify="right")
    for label, by_mode in rows:
        cells = [_pct(getattr(by_mode[mode], {"P": "precision", "R": "recall", "F1": "f1"}[metric])) for mode, metric in _COLUMNS]
        overlap = by_mode["overlap"]
        table.add_row(label, *cells, str(overlap.gold), str(overlap.predicted))
    return table


def _print_report(console: Console, report: dict) -> None:
    # One line however long the folder's path: it is what one greps logs for.
    console.print(
        f"[bold]{escape(str(report['folder']))}[/]: {report['articles']} articles, {report['gold_attributions']} gold attributions"
        + (f" ({report['skipped_events']} events without content skipped)" if report["skipped_events"] else ""),
        soft_wrap=True,
    )
    for name, run in report["runs"].items():
        scores: Scores = report["scores"][name]
        speed = report["articles"] / run.seconds if run.seconds else 0.0
        note = f", could not analyse {len(run.failures)} articles" if run.failures else ""
        label = f"{name} ({report['engine']} engine)" if name == "saywho" else name
        console.print(f"\n[bold]{escape(label)}[/]: {run.seconds:.1f} s, {speed:.1f} articles/s{note}")
        _print_tables(console, name, scores)


def _print_tables(console: Console, name: str, scores: Scores) -> None:
    from rich import box
    from rich.table import Table

    from saywho.evaluate.scoring import MODES, ROLES

    rows: list[tuple[str, Mapping[Any, Counts]]] = [(role, {m: scores.roles[m][role] for m in MODES}) for role in ROLES]
    rows.append(("attribution", scores.attributions))
    console.print(_score_table(f"{name}: spans (%)", rows))
    if any(scores.sentences["overlap"][r].gold for r in ROLES):
        sentence_rows: list[tuple[str, Mapping[Any, Counts]]] = [(role, {m: scores.sentences[m][role] for m in MODES}) for role in ROLES]
        console.print(_score_table(f"{name}: sentence level, spans cut at sentence ends (%)", sentence_rows))
    acts = Table(title=f"{name}: attributions by act, overlap (%)", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("act", "P", "R", "F1", "gold", "pred"):
        acts.add_column(column, justify="left" if column == "act" else "right")
    for act, c in scores.by_act.items():
        acts.add_row(act, _pct(c.precision), _pct(c.recall), _pct(c.f1), str(c.gold), str(c.predicted))
    console.print(acts)


def _print_errors(console: Console, scores: Scores, per_kind: int, seed: int) -> None:
    console.rule("[bold]saywho errors")
    console.print(
        "boundary = overlaps gold but not exact; missed = no overlapping prediction; "
        "spurious = no overlapping gold; wrong-source = content found, source differs"
    )
    totals: dict[tuple[str, str], int] = {}
    for error in scores.errors:
        totals[(error.role, error.kind)] = totals.get((error.role, error.kind), 0) + 1
    current = None
    for error in scores.sample_errors(per_kind, seed):
        key = (error.role, error.kind)
        if key != current:
            current = key
            console.print(f"\n[bold underline]{error.role} {error.kind}[/] ({totals[key]} in all)")
        parts = [f"[dim]{escape(error.article)}[/]"]
        if error.gold is not None:
            parts.append(f"  gold: [green]{escape(_short(error.gold))}[/]")
        if error.pred is not None or error.kind == "wrong-source":
            parts.append(f"  pred: [red]{escape(_short(error.pred)) if error.pred is not None else '(none)'}[/]")
        parts.append(f"  [dim]{escape(error.context)}[/]")
        console.print("\n".join(parts), highlight=False, markup=True)
    for kind in ("missed", "spurious"):
        common = scores.frequent_error_texts("cue", kind)
        if common:
            console.print(
                f"\n[bold]most frequent {kind} cues[/]: " + ", ".join(escape(f"{text!r}×{n}") for text, n in common),
                highlight=False,
            )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _write_jsonl(path: Path, rows) -> None:
    """One JSON object a line, through the writer every ``-o`` uses (atomic, devices as streams)."""
    with atomic_file(str(path), parents=True) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
