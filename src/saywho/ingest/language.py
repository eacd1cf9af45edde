"""Which language an article is in (py3langid: a small model shipped in the package)."""

from __future__ import annotations

import functools
import re

#: Fewer letters than this and the guess is a coin toss: the text is kept untagged.
MIN_LETTERS = 40
#: Only the first characters are looked at: enough for a confident guess, cheap on long pages.
SAMPLE_CHARS = 5000

_LETTER = re.compile(r"[^\W\d_]")


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability, or (None, 0.0) when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None, 0.0
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)
