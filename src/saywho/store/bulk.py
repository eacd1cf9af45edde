"""Bulk loading: already-analysed articles (``saywho export`` JSONL, ``saywho spark run``
tables) stored thousands per transaction, for corpora of millions of articles.

``Store.add_article`` stores one article per transaction with one lookup per speaker
mention; that is right for ingest (analysis is the bottleneck) but caps a load at a few
hundred articles a second. Here a batch of articles (``data/bulk.json``) is prepared in
Python first (rows, name keys, MinHash band keys, copy keys), then written at once:

* PostgreSQL: ``COPY ... FROM STDIN``; rows that may be there already (articles by
  content hash, name keys) go through temporary staging tables and one
  ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; the rest, whose ids are fresh from
  the sequences, straight into their tables. SQLite: ``executemany`` in one large
  transaction.
* Ids are allocated per batch (``MAX(id)`` under SQLite's write lock, ``nextval`` of
  the sequences on PostgreSQL) so that every row of the batch is built before writing.
* Speaker identity: the batch's name keys are looked up with one query, the missing
  speakers and keys are inserted together, and mentions carry their speaker id when
  written. The rules are those of :mod:`saywho.store.identities`, applied to the batch
  in article order, so a full name or organisation gets the same speaker as with
  ``add_article``.
* Bare surnames ("Townsend") are decided at the end of the load, once per surname over
  the whole corpus (:func:`resolve_surnames`): the same rules as ``resolve_surname``,
  fed by a few streamed queries per chunk of surnames instead of several queries per
  article. The outcome equals the per-article path's final state (which re-decides a
  surname whenever an article mentions it); only surname speakers that the per-article
  path creates and later abandons are not created at all.
* Wire copies: band keys of the batch are looked up with one query, candidates are
  verified by their signatures and stories joined as connected components, as
  ``StoryGrouper.assign`` does one article at a time.
* Into an empty corpus, the secondary indexes of the big tables are dropped first and
  built once at the end (``deferred_indexes``); a load killed meanwhile leaves them
  missing until it is run again.
* Curation recorded for a loaded article is replayed in its batch's transaction.

Idempotent and resumable like ingest: each batch is one transaction, an article whose
content hash is stored is skipped, and the surname pass runs (in one transaction) at
the end of every load, so a load killed anywhere and run again ends equal to an
uninterrupted one. A bulk load is meant to run alone: searches and the web UI may read
meanwhile, but another process storing the same articles at the same time makes the
batch fail (nothing half-written; run the load again).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any

from saywho.errors import InputError
from saywho.models import Article
from saywho.store import curation
from saywho.store import identities as rules
from saywho.store.db import STORIES_LOCK_ID, Conn, SQLiteBackend
from saywho.store.names import NameKey, descriptor_words, display_name
from saywho.store.stories import StoryGrouper, copy_key


@cache
def settings() -> dict[str, Any]:
    """The tuned sizes of ``data/bulk.json``."""
    return json.loads(resources.files("saywho").joinpath("data/bulk.json").read_text(encoding="utf-8"))


#: Tables whose secondary indexes a load into an empty corpus builds at the end.
DEFERRED_TABLES = frozenset({"articles", "mentions", "mention_descriptors", "attributions", "story_bands"})
#: Indexes the load itself reads: joining stories updates articles by story id.
KEPT_INDEXES = frozenset({"articles_story"})


# --- preparing articles (no database) ------------------------------------------------


@dataclass(slots=True)
class Mention:
    local_id: str
    name: str
    kind: str
    key: str | None
    surname: str | None
    #: The key the mention resolves by at once (None for bare surnames and unkeyed names).
    resolve_key: NameKey | None
    acronyms: list[str]
    new_name: str
    names: list[str]
    descriptors: list[str]


@dataclass(slots=True)
class Prepared:
    """One article turned into the values of its rows, ids still to be given."""

    hash: str
    values: tuple[Any, ...]
    mentions: list[Mention]
    #: (local speaker id or None, the attribution's columns after mention_id).
    attributions: list[tuple[str | None, tuple[Any, ...]]]
    signature: bytes | None = None
    bands: list[int] = field(default_factory=list)
    sig_array: Any = None

    @property
    def statements(self) -> int:
        return len(self.attributions)


ARTICLE_COLUMNS = ("id", "content_hash", "input", "title", "published", "published_date", "url", "publisher",
                   "language", "text", "record", "ingested_at", "story_id")
MENTION_COLUMNS = ("id", "article_id", "local_id", "name", "kind", "key", "surname", "speaker_id")
ATTRIBUTION_COLUMNS = ("id", "article_id", "seq", "mention_id", "type", "act", "content", "content_start",
                       "content_end", "cue", "source", "when_text", "when_date", "confidence", "headline", "copy_key")


def prepare(article: Article, hash_: str, grouper: StoryGrouper | None, record: str | None = None) -> Prepared:
    """Everything about an article that needs no database: row values, keys, bands.

    ``record`` is the article's JSON without its text when the input holds it already
    (an export line, a Spark row): serialising the Article again costs more than all the
    rest of a bulk load's work on it."""
    from saywho.store.store import _date_of

    if record is None:
        as_dict = article.to_dict()
        as_dict.pop("text")
        record = json.dumps(as_dict, ensure_ascii=False)
    values = (hash_, article.input, article.title, article.published, _date_of(article.published), article.url,
              article.publisher, article.language, article.text, record)
    mentions = []
    for speaker in rules.local_speakers(article):
        key = rules.primary_key(speaker)
        resolvable = key if key is not None and not key.key.startswith("surname:") else None
        mentions.append(Mention(
            speaker.id, speaker.name, speaker.kind, key.key if key else None, key.surname if key else None, resolvable,
            rules.alias_keys(speaker, resolvable) if resolvable else [],
            rules.new_speaker_name(speaker, resolvable) if resolvable else "",
            list(dict.fromkeys([speaker.name, *speaker.aliases])), list(dict.fromkeys(speaker.descriptors)),
        ))
    attributions = []
    for seq, a in enumerate(article.attributions):
        when = a.when
        attributions.append((a.speaker.id if a.speaker else None, (
            a.type, a.act, a.content.text, a.content.start, a.content.end, a.cue.text if a.cue else None,
            a.source.text if a.source else None, when.text if when else None, when.date if when else None,
            float(a.confidence), int(a.headline), copy_key(a.content.text), seq)))
    prepared = Prepared(hash_, values, mentions, attributions)
    if grouper is not None:
        signature = grouper.signature(article.text)
        if signature is not None:
            prepared.sig_array = signature
            prepared.signature = signature.tobytes()
            prepared.bands = grouper.band_keys(signature)
    return prepared


def exported_item(line: str) -> tuple[Article, str, str]:
    """One ``saywho export`` line as ``(Article, content hash, record JSON)``; ``ValueError``
    saying why for anything else (see ``saywho.cli.store.read_exported_record``)."""
    from saywho.cli.store import read_exported_record

    article, key = read_exported_record(line)
    record = json.loads(line)
    for extra in ("text", "store_id", "content_hash", "corpus_speakers"):
        record.pop(extra, None)
    return article, key, json.dumps(record, ensure_ascii=False)


def spark_items(output: str) -> Iterator[Source]:
    """The rows of a ``saywho spark run`` output's articles table, as sources to load."""
    from saywho.spark.tables import read_rows

    for row in read_rows(output, "articles", ("content_hash", "text", "record")):
        yield ("spark", row)


def jsonl_items(path: str, handle: Iterable[str]) -> Iterator[Source]:
    """The article lines of an exported JSONL file, as sources to load (numbered for errors)."""
    for number, line in enumerate(handle, 1):
        if line.strip():
            yield ("jsonl", f"{path}:{number}", line)


#: What the loader reads: ``("jsonl", where, line)``, ``("spark", row)`` or
#: ``("article", Article, content hash)``. Parsed where they are prepared, so that
#: worker processes (``jobs``) do the parsing too.
Source = tuple[Any, ...]

def prepare_source(source: Source, grouper: StoryGrouper | None) -> Prepared | InputError:
    """A source parsed and prepared; an ``InputError`` for a line that is not an article."""
    kind = source[0]
    if kind == "article":
        return prepare(source[1], source[2], grouper)
    if kind == "spark":
        from saywho.spark.rows import article_from_row

        row = source[1]
        return prepare(article_from_row(row), row["content_hash"], grouper, row["record"])
    try:
        article, key, record = exported_item(source[2])
    except ValueError as error:
        return InputError(source[1], f"not an article record ({error})")
    return prepare(article, key, grouper, record)


# --- writing -----------------------------------------------------------------------


class Writer:
    """The few dialect-specific operations of a bulk load, on the store's writer connection."""

    def __init__(self, dialect: str):
        self.dialect = dialect

    def ids(self, conn: Conn, table: str, count: int) -> list[int]:
        """``count`` fresh ids for ``table`` (the caller holds the write lock)."""
        if not count:
            return []
        if self.dialect == "sqlite":
            start = (conn.value(f"SELECT MAX(id) AS m FROM {table}") or 0) + 1
            return list(range(start, start + count))
        rows = conn.all(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, ?)", (count,))
        return [r["id"] for r in rows]

    def select_in(self, conn: Conn, sql: str, column: str, values: Sequence[Any]) -> list[dict[str, Any]]:
        """``sql`` with ``{match}`` standing for ``column`` being one of ``values`` (all
        strings or all integers)."""
        if not values:
            return []
        if self.dialect == "postgresql":
            # One array parameter, typed so that the column's index is used.
            array = "BIGINT[]" if isinstance(values[0], int) else "TEXT[]"
            return conn.all(sql.format(match=f"{column} = ANY(CAST(? AS {array}))"), [list(values)])
        out: list[dict[str, Any]] = []
        for start in range(0, len(values), 900):  # SQLite's default limit of bound values is 999 before 3.32
            chunk = values[start : start + 900]
            out += conn.all(sql.format(match=f"{column} IN ({', '.join('?' for _ in chunk)})"), chunk)
        return out

    def run_many(self, conn: Conn, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raw = conn.raw if self.dialect == "sqlite" else conn.raw.cursor()
        raw.executemany(conn._translate(sql), rows)

    def insert(self, conn: Conn, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]],
               conflict: str = "") -> int:
        """Write ``rows``; return how many were inserted (``conflict`` may skip some)."""
        if not rows:
            return 0
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            cursor = conn.raw.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)}) {conflict}", rows)
            return cursor.rowcount
        if not conflict:
            # Rows with fresh ids from the sequences cannot conflict: straight in.
            self._copy(conn, table, names, rows)
            return len(rows)
        # Rows that may exist already (a content hash, a name key): COPY into a staging
        # table, then one INSERT ... SELECT that skips them. Staging tables live as long
        # as the connection and are emptied after use.
        stage = f"bulk_{table}"
        conn.raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {names} FROM {table} WITH NO DATA")
        self._copy(conn, stage, names, rows)
        inserted = conn.raw.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {conflict}").rowcount
        conn.raw.execute(f"TRUNCATE {stage}")
        return inserted

    @staticmethod
    def _copy(conn: Conn, table: str, names: str, rows: list[tuple[Any, ...]]) -> None:
        with conn.raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(_no_nul(v) for v in row))


def _no_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: U+FFFD instead (same length, as Conn does)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


@dataclass(slots=True)
class BatchResult:
    stored: list[Prepared] = field(default_factory=list)
    #: Articles stored already (by content hash): nothing written.
    skipped: int = 0


#: An export line's content hash, found without parsing the line (inside a JSON string a
#: quote is escaped, so this only matches the record's own key).
_EXPORTED_HASH = re.compile(r'"content_hash": "([0-9a-f]{64})"')


def source_hash(source: Source) -> str | None:
    """The content hash of a source when it can be read without preparing it."""
    if source[0] == "spark":
        return source[1]["content_hash"]
    if source[0] == "article":
        return source[2]
    match = _EXPORTED_HASH.search(source[2])
    return match.group(1) if match else None


class BulkLoader:
    """Stores prepared batches into one store; see the module doc."""

    def __init__(self, store, *, batch_articles: int | None = None):
        self.store = store
        self.writer = Writer(store.dialect)
        self.batch_articles = batch_articles or settings()["batch_articles"]
        self.grouper = store.stories

    def deferred_indexes(self) -> dict[str, str]:
        """The secondary indexes a load into an empty corpus builds at the end (name ->
        ``CREATE INDEX IF NOT EXISTS`` statement), read from the migrations, so an index a
        later migration adds is deferred too and one it drops is not brought back."""
        from saywho.store.db import available_migrations, split_statements

        found: dict[str, tuple[str, str]] = {}
        for _, script in sorted(available_migrations(self.store.dialect).items()):
            for statement in split_statements(script):
                if created := re.match(r"CREATE INDEX (\w+) ON (\w+)", statement, re.IGNORECASE):
                    found[created.group(1)] = (created.group(2), re.sub(
                        r"^CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", statement, flags=re.IGNORECASE))
                elif dropped := re.match(r"DROP INDEX (?:IF EXISTS )?(\w+)", statement, re.IGNORECASE):
                    found.pop(dropped.group(1), None)
        return {name: sql for name, (table, sql) in found.items() if table in DEFERRED_TABLES and name not in KEPT_INDEXES}

    def load(self, sources: Iterable[Source], on_batch: Callable[[BatchResult], None] | None = None,
             on_error: Callable[[InputError], None] | None = None, jobs: int = 1) -> None:
        """Store every source (see ``Source``), a batch per transaction, then decide the
        bare surnames; ``on_batch`` hears of each committed batch, ``on_error`` of each
        source that is not an article. With ``jobs`` > 1, worker processes parse and
        prepare the next batch while this one is written (two batches in memory at most)."""
        self.store.group_pending()  # a corpus stored before stories existed, as import does
        self.start()
        iterator = iter(sources)
        pool = None
        if jobs > 1:
            import multiprocessing

            pool = multiprocessing.get_context("spawn").Pool(jobs)
        try:
            pending, known = self._submit(pool, self._new_sources(iterator))
            while pending is not None:
                prepared = pending()
                skipped = known
                pending, known = self._submit(pool, self._new_sources(iterator))
                batch = []
                for item in prepared:
                    if isinstance(item, InputError):
                        if on_error is not None:
                            on_error(item)
                    else:
                        batch.append(item)
                result = self.store_batch(batch)
                result.skipped += skipped
                if on_batch is not None:
                    on_batch(result)
        finally:
            if pool is not None:
                pool.terminate()
        self.finish()

    def _new_sources(self, iterator: Iterator[Source]) -> tuple[list[Source], int]:
        """The next batch of sources, less those whose content hash shows they are stored
        (a rerun then costs reading, not preparing); the second value counts those."""
        sources = list(islice(iterator, self.batch_articles))
        hashes = [h for s in sources if (h := source_hash(s))]
        if not hashes:
            return sources, 0
        conn = self.store.backend.reader()
        known = {r["content_hash"] for r in self.writer.select_in(
            conn, "SELECT content_hash FROM articles WHERE {match}", "content_hash", hashes)}
        if not known:
            return sources, 0
        new = [s for s in sources if source_hash(s) not in known]
        return new, len(sources) - len(new)

    def _submit(self, pool, batch: tuple[list[Source], int]) -> tuple[Callable[[], list[Prepared | InputError]] | None, int]:
        """Start preparing a batch of sources; return what waits for the result (None at
        the end of the input) and how many sources were left out as stored."""
        sources, known = batch
        if not sources:
            return (lambda: []) if known else None, known
        if pool is None:
            return (lambda: [prepare_source(s, self.grouper) for s in sources]), known
        from functools import partial

        running = pool.map_async(partial(prepare_source, grouper=self.grouper), sources, chunksize=64)
        return running.get, known

    def start(self) -> None:
        """Before the first batch: the loading connection's settings, and into an empty
        corpus, the deferrable indexes dropped (building them once at the end is cheaper
        than keeping them up to date row by row; ``finish`` builds any that are missing,
        so a load killed meanwhile gets them back when it is run again)."""
        self._tune()
        with self.store.backend.write() as conn:
            if conn.value("SELECT id FROM articles LIMIT 1") is None:
                for name in self.deferred_indexes():
                    conn.run(f"DROP INDEX IF EXISTS {name}")

    def _tune(self) -> None:
        """Settings of the loading connection only: SQLite's page cache; on PostgreSQL,
        commits that do not wait for the WAL flush (a server crash may lose the last
        batches, which the rerun of an idempotent load stores again; never a half batch)."""
        with self.store.backend.write() as conn:
            if isinstance(self.store.backend, SQLiteBackend):
                conn.raw.execute(f"PRAGMA cache_size = -{settings()['sqlite_cache_mib'] * 1024}")
                conn.raw.execute("PRAGMA temp_store = MEMORY")
            else:
                conn.raw.execute("SET synchronous_commit = off")

    def finish(self) -> None:
        """The pass after the batches: bare surnames decided over the whole corpus."""
        from saywho.store.store import _now

        with self.store.backend.write() as conn:
            if self.store.dialect == "postgresql":
                conn.run(f"SET LOCAL maintenance_work_mem = '{settings()['postgresql_index_memory_mib']}MB'")
            for statement in self.deferred_indexes().values():
                conn.run(statement)
        with self.store.backend.write() as conn:
            resolve_surnames(conn, self.writer, _now())
        # Counted once here, so that the first speakers list after a load does not wait for it.
        self.store.refresh_speaker_counts()
        self.store._speakers_cache.clear()
        self.store._names_cache.clear()
        self.store._facets_cache.clear()

    def store_batch(self, batch: list[Prepared]) -> BatchResult:
        from saywho.store.store import _now

        result = BatchResult()
        now = _now()
        with self.store.backend.write() as conn:
            self.store.backend.lock(conn, STORIES_LOCK_ID)
            known = {r["content_hash"] for r in self.writer.select_in(
                conn, "SELECT content_hash FROM articles WHERE {match}", "content_hash", [p.hash for p in batch])}
            for prepared in batch:
                if prepared.hash in known:
                    result.skipped += 1
                else:
                    known.add(prepared.hash)  # the same text twice in one batch: the first is stored
                    result.stored.append(prepared)
            if result.stored:
                self._write(conn, result.stored, now)
        return result

    def _write(self, conn: Conn, batch: list[Prepared], now: str) -> None:
        w = self.writer
        article_ids = w.ids(conn, "articles", len(batch))
        speakers, speaker_rows, key_rows = self._speakers(conn, batch, now)
        stories, merged = self._stories(conn, batch, article_ids)
        mention_total = sum(len(p.mentions) for p in batch)
        mention_ids = iter(w.ids(conn, "mentions", mention_total))
        attribution_ids = iter(w.ids(conn, "attributions", sum(len(p.attributions) for p in batch)))
        articles, mentions, names, descriptors, attributions, signatures, bands = [], [], [], [], [], [], []
        for prepared, article_id in zip(batch, article_ids):
            articles.append((article_id, *prepared.values, now, stories[article_id]))
            local: dict[str, int] = {}
            for m in prepared.mentions:
                mention_id = next(mention_ids)
                local[m.local_id] = mention_id
                speaker_id = speakers.get(m.resolve_key.key) if m.resolve_key else None
                mentions.append((mention_id, article_id, m.local_id, m.name, m.kind, m.key, m.surname, speaker_id))
                names += [(mention_id, n) for n in m.names]
                descriptors += [(mention_id, d) for d in m.descriptors]
            for speaker, values in prepared.attributions:
                *columns, seq = values
                attributions.append((next(attribution_ids), article_id, seq, local.get(speaker) if speaker else None, *columns))
            if self.grouper is not None:
                signatures.append((article_id, prepared.signature))
                bands += [(key, article_id) for key in dict.fromkeys(prepared.bands)]
        w.insert(conn, "speakers", ("id", "name", "kind", "created_at"), speaker_rows)
        w.insert(conn, "speaker_keys", ("key", "speaker_id"), key_rows, "ON CONFLICT DO NOTHING")
        if w.insert(conn, "articles", ARTICLE_COLUMNS, articles, "ON CONFLICT (content_hash) DO NOTHING") != len(articles):
            from saywho.store.db import StoreError

            raise StoreError("another process stored some of these articles meanwhile; run the load again")
        w.insert(conn, "mentions", MENTION_COLUMNS, mentions)
        w.insert(conn, "mention_names", ("mention_id", "name"), names)
        w.insert(conn, "mention_descriptors", ("mention_id", "descriptor"), descriptors)
        w.insert(conn, "attributions", ATTRIBUTION_COLUMNS, attributions)
        w.insert(conn, "article_signatures", ("article_id", "signature"), signatures)
        w.insert(conn, "story_bands", ("key", "article_id"), bands)
        if merged:
            w.run_many(conn, "UPDATE articles SET story_id = ? WHERE story_id = ?", merged)
        for row in w.select_in(conn, "SELECT DISTINCT article_hash FROM curation WHERE {match}", "article_hash",
                               [p.hash for p in batch]):
            curation.replay_article(conn, row["article_hash"], now)

    def _speakers(self, conn: Conn, batch: list[Prepared], now: str) -> tuple[dict[str, int], list[tuple], list[tuple]]:
        """Speaker ids by name key for the batch's mentions, and the speakers and keys to
        insert: ``identities._speaker_for_key`` for the whole batch, in article order."""
        wanted = {k for p in batch for m in p.mentions if m.resolve_key for k in (m.resolve_key.key, *m.acronyms)}
        found = {r["key"]: r["speaker_id"] for r in self.writer.select_in(
            conn, "SELECT key, speaker_id FROM speaker_keys WHERE {match}", "key", sorted(wanted))}
        new: list[tuple[str, str, list[str]]] = []  # name, kind, keys of each speaker to create
        pending: dict[str, int] = {}  # key -> index in new
        links: list[tuple[str, int]] = []  # a new key of a known speaker (an organisation's full name)
        for p in batch:
            for m in p.mentions:
                key = m.resolve_key
                if key is None or key.key in found or key.key in pending:
                    continue
                via = next((a for a in m.acronyms if a in found or a in pending), None)
                if via is not None:
                    if via in found:
                        found[key.key] = found[via]
                        links.append((key.key, found[via]))
                    else:
                        pending[key.key] = pending[via]
                        new[pending[via]][2].append(key.key)
                    continue
                index = len(new)
                new.append((m.new_name, m.kind, []))
                for k in [key.key, *m.acronyms]:
                    if k not in found and k not in pending:
                        pending[k] = index
                        new[index][2].append(k)
        ids = self.writer.ids(conn, "speakers", len(new))
        speaker_rows = [(speaker_id, name, kind, now) for speaker_id, (name, kind, _) in zip(ids, new)]
        key_rows = [*links, *((k, ids[index]) for k, index in pending.items())]
        found.update({k: ids[index] for k, index in pending.items()})
        return found, speaker_rows, key_rows

    def _stories(self, conn: Conn, batch: list[Prepared], article_ids: list[int]) -> tuple[dict[int, int], list[tuple[int, int]]]:
        """Each new article's story id, and (new, old) story ids of stored stories a new
        article joins together: connected components of verified near-duplicate pairs."""
        stories = {article_id: article_id for article_id in article_ids}
        if self.grouper is None:
            return stories, []
        grouper = self.grouper
        keys = sorted({k for p in batch for k in p.bands})
        stored_by_key: dict[int, list[int]] = defaultdict(list)
        for row in self.writer.select_in(conn, "SELECT key, article_id FROM story_bands WHERE {match}", "key", keys):
            stored_by_key[row["key"]].append(row["article_id"])
        others = sorted({a for ids in stored_by_key.values() for a in ids})
        stored = {r["id"]: (r["story_id"], grouper.stored_signature(r["signature"])) for r in self.writer.select_in(
            conn, "SELECT ar.id, ar.story_id, s.signature FROM articles ar JOIN article_signatures s ON s.article_id = ar.id "
            "WHERE s.signature IS NOT NULL AND {match}", "ar.id", others)}
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        earlier: dict[int, list[int]] = defaultdict(list)  # band key -> batch articles seen so far
        signatures = {}
        for prepared, article_id in zip(batch, article_ids):
            if prepared.sig_array is None:
                continue
            signatures[article_id] = prepared.sig_array
            seen: set[int] = set()
            for key in prepared.bands:
                for other in stored_by_key.get(key, ()):
                    if other not in seen and other in stored:
                        seen.add(other)
                        story, signature = stored[other]
                        if grouper.same_story(signature, prepared.sig_array):
                            union(article_id, story)
                for other in earlier[key]:
                    if -other not in seen:
                        seen.add(-other)
                        if grouper.same_story(signatures[other], prepared.sig_array):
                            union(article_id, other)
                earlier[key].append(article_id)
        merged = []
        for node in list(parent):
            root = find(node)
            if node in stories:
                stories[node] = root
            elif node != root:
                merged.append((root, node))  # a stored story joined to an older one
        return stories, merged


# --- bare surnames, after the batches ---------------------------------------------------


def resolve_surnames(conn: Conn, writer: Writer, now: str) -> int:
    """Decide every bare-surname mention of the corpus with ``identities``' rules (manual
    keys first, then ``choose_person`` / ``choose_misfiled_person``), a chunk of surnames
    at a time (keyset over the mentions' key index, so memory stays bounded); return how
    many mentions changed speaker."""
    changed = 0
    after = ""
    while True:
        keys = [r["key"] for r in conn.all(
            "SELECT DISTINCT key FROM mentions WHERE key LIKE 'surname:%' AND key > ? ORDER BY key LIMIT ?",
            (after, settings()["surname_chunk"]))]
        if not keys:
            return changed
        after = keys[-1]
        groups: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        for row in writer.select_in(
            conn, "SELECT m.id, m.key, m.speaker_id, m.kind, m.name, substr(a.published_date, 1, 4) AS year FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE {match}", "m.key", keys):
            groups[row["key"]].append(row)
        for rows in groups.values():
            rows.sort(key=lambda r: r["id"])
        changed += _resolve_chunk(conn, writer, list(groups.values()), now)


def _resolve_chunk(conn: Conn, writer: Writer, groups: list[list[dict[str, Any]]], now: str) -> int:
    keys = [g[0]["key"] for g in groups]
    surnames = [k.split(":", 1)[1] for k in keys]
    named_keys = [f"{prefix}:{s}" for s in surnames for prefix in ("org", "group")]
    key_rows = writer.select_in(conn, "SELECT key, speaker_id, origin FROM speaker_keys WHERE {match}", "key", keys + named_keys)
    manual = {r["key"]: r["speaker_id"] for r in key_rows if r["origin"] == "manual" and r["key"] in keys}
    speaker_of_key = {r["key"]: r["speaker_id"] for r in key_rows}
    candidates: dict[str, dict[int, rules.Candidate]] = defaultdict(dict)
    for row in writer.select_in(
        conn, "SELECT m.surname, m.speaker_id, substr(a.published_date, 1, 4) AS year, COUNT(*) AS n FROM mentions m "
        "JOIN articles a ON a.id = m.article_id WHERE {match} AND m.key LIKE 'person:%' AND m.speaker_id IS NOT NULL "
        "GROUP BY m.surname, m.speaker_id, substr(a.published_date, 1, 4)", "m.surname", surnames):
        candidate = candidates[row["surname"]].setdefault(row["speaker_id"], rules.Candidate(row["speaker_id"]))
        candidate.mentions_by_year[row["year"] or "?"] += row["n"]
    for row in writer.select_in(
        conn, "SELECT DISTINCT m.surname, m.speaker_id, d.descriptor FROM mention_descriptors d "
        "JOIN mentions m ON m.id = d.mention_id WHERE {match} AND m.key LIKE 'person:%' AND m.speaker_id IS NOT NULL",
        "m.surname", surnames):
        candidates[row["surname"]][row["speaker_id"]].descriptor_words |= descriptor_words([row["descriptor"]])
    bare_descriptors: dict[int, set[str]] = defaultdict(set)
    for row in writer.select_in(conn, "SELECT d.mention_id, d.descriptor FROM mention_descriptors d "
                                "JOIN mentions m ON m.id = d.mention_id WHERE {match}", "m.key", keys):
        bare_descriptors[row["mention_id"]].add(row["descriptor"])

    def speaker_for(key: str, name: str, kind: str) -> int:
        """The speaker of a key, created when missing (``_surname_speaker``, ``_named_speaker``)."""
        if key not in speaker_of_key:
            speaker_of_key[key] = conn.value(
                "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id", (display_name(name, kind), kind, now))
            conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?)", (key, speaker_of_key[key]))
        return speaker_of_key[key]

    updates: list[tuple[int, int]] = []
    for key, surname, rows in zip(keys, surnames, groups):
        found = sorted(candidates.get(surname, {}).items())
        people = [c for _, c in found]
        for row in rows:
            if key in manual:
                target = manual[key]
            else:
                bare = rules.BareMention(row["id"], row["year"], descriptor_words(bare_descriptors.get(row["id"], set())))
                if row["kind"] == "person":
                    chosen = rules.choose_person(bare, people)
                    target = chosen if chosen is not None else speaker_for(key, rows[0]["name"], "person")
                else:
                    chosen = rules.choose_misfiled_person(bare, people)
                    named = f"{'org' if row['kind'] == 'organization' else 'group'}:{surname}"
                    target = chosen if chosen is not None else speaker_for(named, row["name"], row["kind"])
            if row["speaker_id"] != target:
                updates.append((target, row["id"]))
    if updates:
        writer.run_many(conn, "UPDATE mentions SET speaker_id = ? WHERE id = ?", updates)
    return len(updates)
