"""saywho: who said what, about what, and when, in news articles.

>>> import saywho
>>> article = saywho.extract('"Prices will fall," Maria Lopez said.')
>>> article.attributions[0].speaker.name
'Maria Lopez'
"""

from saywho.errors import InputError, SaywhoError
from saywho.models import Article, Attribution, Document, Speaker, SpeakerRef, TextSpan, When
from saywho.pipeline import Extractor, Options, extract
from saywho.store.corpus import Corpus

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Attribution",
    "Corpus",
    "Document",
    "Extractor",
    "InputError",
    "Options",
    "SaywhoError",
    "Speaker",
    "SpeakerRef",
    "TextSpan",
    "When",
    "extract",
    "__version__",
]
