"""What extraction can be asked for: :class:`Options` and its defaults.

Apart from :mod:`saywho.pipeline` (which re-exports every name here) so that the command
line can declare its options and defaults without loading spaCy and the NLP pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeGuard, get_args

#: Longest article text analysed (characters), spaCy's own default ``max_length``.
#: Analysis time grows linearly with length (about 35 s per million characters on one
#: busy core, docs/reliability.md), so this cap bounds the time and memory of one article.
DEFAULT_MAX_CHARS = 1_000_000
#: Seconds one article may take before it is given up with a per-input error. Far above
#: the cap's worst case, it only catches input that is pathologically slow per character.
DEFAULT_TIME_LIMIT = 180.0

#: "rules": the parse-based extractor (default, fast); "model": the trained tagger, more
#: accurate on PolNeAR and about a third of the speed (needs ``pip install 'saywho[model]'``; docs/model.md).
Mode = Literal["rules", "model"]
MODES: tuple[Mode, ...] = get_args(Mode)


def is_mode(value: str) -> TypeGuard[Mode]:
    """Whether ``value`` names an extractor (:data:`MODES`); callers word the refusal."""
    return value in MODES


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
    #: Which extractor finds the attributions (:data:`Mode`).
    mode: Mode = "rules"
    #: Longer article texts are refused with a per-input error (0: no cap).
    max_chars: int = DEFAULT_MAX_CHARS
    #: Seconds allowed per article (0: none). Enforced with SIGALRM, so only in a
    #: process's main thread (the CLI, its worker processes, Spark's Python workers).
    time_limit: float = DEFAULT_TIME_LIMIT
