"""What extraction can be asked for: :class:`Options` and its defaults.

Apart from :mod:`saywho.pipeline` (which re-exports every name here) so that the command
line can declare its options and defaults without loading spaCy and the NLP pipeline.
"""

from __future__ import annotations

import warnings
from dataclasses import InitVar, dataclass
from typing import Literal, TypeGuard, get_args

#: Longest article text analysed (characters), spaCy's own default ``max_length``.
#: Analysis time grows linearly with length (about 35 s per million characters on one
#: busy core, docs/reliability.md), so this cap bounds the time and memory of one article.
DEFAULT_MAX_CHARS = 1_000_000
#: Seconds one article may take before it is given up with a per-input error. Far above
#: the cap's worst case, it only catches input that is pathologically slow per character.
DEFAULT_TIME_LIMIT = 180.0

#: Which extractor finds the attributions. "tagger" (the default): the trained tagger
#: combined with the parse-based rules, the more accurate on PolNeAR and on the speaker set;
#: "rules": the rules alone, the fast mode (about 3x the tagger's throughput; docs/model.md).
#: Not "model", which names the spaCy pipeline (``Options.model``, ``--model``).
Engine = Literal["tagger", "rules"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

#: The values of the deprecated ``mode`` (``--mode``, ``Options(mode=...)``, the spaCy
#: component's ``mode``), kept for one release, and the engine each now names.
DEPRECATED_MODES: dict[str, Engine] = {"model": "tagger", "rules": "rules"}


def is_engine(value: str) -> TypeGuard[Engine]:
    """Whether ``value`` names an extractor (:data:`ENGINES`); callers word the refusal."""
    return value in ENGINES


def engine_for_mode(mode: str) -> Engine:
    """The engine a deprecated ``mode`` value names; ValueError for anything else."""
    try:
        return DEPRECATED_MODES[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}; choose {' or '.join(DEPRECATED_MODES)} (or engine={' or '.join(ENGINES)})") from None


def mode_deprecation(mode: str) -> str:
    """The one-line notice for a deprecated ``mode`` value (which must be known)."""
    return f"'mode' is deprecated and goes in the next release: use engine={engine_for_mode(mode)!r}"


@dataclass(frozen=True, slots=True)
class Options:
    """Everything that changes what extraction returns, in one place (CLI flags map onto it)."""

    #: Keep ``text`` exactly as decoded so offsets index the input file.
    raw: bool = False
    #: Keep lines the cleaner would drop as scraping junk.
    keep_junk: bool = False
    #: spaCy pipeline name; None picks the first installed default.
    model: str | None = None
    #: Attributions below this confidence are left out.
    min_confidence: float = 0.0
    #: Include thoughts and beliefs (``act == "belief"``), not just speech.
    beliefs: bool = True
    #: Which extractor finds the attributions (:data:`Engine`).
    engine: Engine = "tagger"
    #: Longer article texts are refused with a per-input error (0: no cap).
    max_chars: int = DEFAULT_MAX_CHARS
    #: Seconds allowed per article (0: none). Enforced with SIGALRM, so only in a
    #: process's main thread (the CLI, its worker processes, Spark's Python workers).
    time_limit: float = DEFAULT_TIME_LIMIT
    #: Deprecated for one release: ``mode="model"`` is ``engine="tagger"``, ``mode="rules"``
    #: is ``engine="rules"``; given, it sets ``engine`` with a DeprecationWarning. Not stored.
    mode: InitVar[str | None] = None

    def __post_init__(self, mode: str | None) -> None:
        if mode is not None:
            engine = engine_for_mode(mode)
            warnings.warn(mode_deprecation(mode), DeprecationWarning, stacklevel=3)
            object.__setattr__(self, "engine", engine)  # frozen: the one place it is set after __init__
