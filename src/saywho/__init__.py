"""saywho: who said what, about what, and when, in news articles.

>>> import saywho
>>> article = saywho.extract('"Prices will fall," Maria Lopez said.')
>>> article.attributions[0].speaker.name
'Maria Lopez'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time each name is loaded on first use (_LAZY)
    from saywho.errors import InputError, SaywhoError  # noqa: F401
    from saywho.models import Article, Attribution, Document, Speaker, SpeakerRef, TextSpan, When  # noqa: F401
    from saywho.options import Options  # noqa: F401
    from saywho.pipeline import Extractor, extract  # noqa: F401
    from saywho.store.corpus import Corpus  # noqa: F401

__version__ = "0.1.0"

#: Each public name and the module that defines it. They are imported when first used
#: (PEP 562), so that ``import saywho.store`` or ``saywho search`` does not load spaCy and
#: the NLP pipeline (0.5 s) just because this package's ``__init__`` runs first.
_LAZY: dict[str, str] = {
    "Article": "saywho.models",
    "Attribution": "saywho.models",
    "Corpus": "saywho.store.corpus",
    "Document": "saywho.models",
    "Extractor": "saywho.pipeline",
    "InputError": "saywho.errors",
    "Options": "saywho.options",
    "SaywhoError": "saywho.errors",
    "Speaker": "saywho.models",
    "SpeakerRef": "saywho.models",
    "TextSpan": "saywho.models",
    "When": "saywho.models",
    "extract": "saywho.pipeline",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'saywho' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
