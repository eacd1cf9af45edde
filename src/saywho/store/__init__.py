"""The corpus store: articles, attributions and speakers in SQLite (default) or PostgreSQL.

>>> from saywho.store import Store
>>> with Store.open(":memory:") as store:
...     store.counts()["articles"]
0
"""

from saywho.store.db import StoreError
from saywho.store.store import (
    DEFAULT_DB,
    RESULT_COLUMNS,
    SPEAKER_SORTS,
    SearchPage,
    SearchQuery,
    SpeakerQuery,
    Store,
    content_hash,
)

__all__ = ["Store", "SearchQuery", "SearchPage", "SpeakerQuery", "SPEAKER_SORTS", "StoreError", "content_hash", "DEFAULT_DB", "RESULT_COLUMNS"]
