"""The two SQL backends behind one small interface.

SQLite (stdlib ``sqlite3``, WAL) is the embedded default; PostgreSQL (psycopg 3) is
for a team sharing a server. Queries are written once with ``?`` placeholders and
always parameterised; the PostgreSQL backend translates them to ``%s``.

Following datasette, every write goes through one writer connection behind a lock,
and reads use one connection per thread, so a web request never waits for a write
to finish (SQLite WAL readers see the last committed state).
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC
from importlib import resources
from pathlib import Path
from typing import Any

from saywho.errors import SaywhoError

Params = Sequence[Any]

#: How long (ms) an SQLite connection waits for another process's write lock.
SQLITE_BUSY_TIMEOUT_MS = 30_000

#: SQL integers are signed 64-bit on both backends.
SQL_INT_MIN, SQL_INT_MAX = -(2**63), 2**63 - 1


class StoreError(SaywhoError):
    """The store cannot be opened or used (bad DSN, newer schema, missing backend)."""


class Conn:
    """A connection with the four calls the store needs; rows come back as dicts."""

    def __init__(self, raw: Any, translate, *, no_nul: bool = False):
        self.raw = raw
        self._translate = translate
        #: PostgreSQL text cannot hold NUL: it becomes U+FFFD (same length, so offsets hold).
        self._no_nul = no_nul

    def _cursor(self, sql: str, params: Params) -> Any:
        return self.raw.execute(self._translate(sql), self._checked(params))

    def _checked(self, params: Params) -> tuple[Any, ...]:
        """Parameters the database can take: an out-of-range number (an id from a URL)
        is the caller's error, not a crash; NUL characters are replaced where needed."""
        checked = []
        for value in params:
            if isinstance(value, int) and not isinstance(value, bool) and not SQL_INT_MIN <= value <= SQL_INT_MAX:
                raise StoreError(f"number out of range: {value}")
            if self._no_nul and isinstance(value, str) and "\x00" in value:
                value = value.replace("\x00", "\ufffd")
            checked.append(value)
        return tuple(checked)

    def all(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        return list(self._cursor(sql, params).fetchall())

    def iter(self, sql: str, params: Params = ()) -> Iterator[dict[str, Any]]:
        cursor = self._cursor(sql, params)
        while rows := cursor.fetchmany(500):
            yield from rows

    def one(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        # fetchall, not fetchone: an INSERT ... RETURNING must run to completion.
        rows = self._cursor(sql, params).fetchall()
        return rows[0] if rows else None

    def value(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def run(self, sql: str, params: Params = ()) -> int:
        """Execute a write; return the number of rows it touched."""
        return self._cursor(sql, params).rowcount


class Backend:
    """One database: a locked writer connection and per-thread readers."""

    dialect: str
    #: The driver's exceptions (a write refused by a read-only file or role, for instance).
    errors: tuple[type[Exception], ...] = ()

    def __init__(self) -> None:
        self._local = threading.local()
        self._readers: weakref.WeakSet[Conn] = weakref.WeakSet()
        self._readers_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._writer: Conn | None = None

    # -- connections -----------------------------------------------------------
    def _connect(self, *, writer: bool) -> Conn:
        raise NotImplementedError

    def reader(self) -> Conn:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(writer=False)
            self._local.conn = conn
            # A reader lives as long as its thread: servers retire idle worker threads
            # (anyio after 10 s) and start new ones, so keeping each one's connection leaked.
            weakref.finalize(conn, _close_quietly, conn.raw)
            with self._readers_lock:
                self._readers.add(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[Conn]:
        """One transaction on the single writer: all of it commits, or none of it."""
        with self._write_lock:
            if self._writer is None:
                self._writer = self._connect(writer=True)
            with self._transaction(self._writer):
                yield self._writer

    @contextmanager
    def _transaction(self, conn: Conn) -> Iterator[None]:
        raise NotImplementedError

    def close(self) -> None:
        with self._readers_lock:
            for conn in list(self._readers):
                _close_quietly(conn.raw)
            self._readers.clear()
        self._local = threading.local()
        with self._write_lock:
            if self._writer is not None:
                _close_quietly(self._writer.raw)
                self._writer = None

    # -- schema ----------------------------------------------------------------
    def migrate(self) -> int:
        """Apply every numbered migration newer than the database; return the version."""
        migrations = available_migrations(self.dialect)
        latest = max(migrations) if migrations else 0
        with self.write() as conn:
            self._lock_for_migration(conn)
            conn.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            current = conn.value("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version") or 0
            if current > latest:
                raise StoreError(
                    f"database schema version {current} is newer than this saywho understands ({latest}); upgrade saywho"
                )
            for version in sorted(v for v in migrations if v > current):
                for statement in split_statements(migrations[version]):
                    conn.run(statement)
                conn.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, _now()))
            return latest

    def _lock_for_migration(self, conn: Conn) -> None:
        """Serialise concurrent migrations (SQLite's BEGIN IMMEDIATE already does)."""

    def lock(self, conn: Conn, lock_id: int) -> None:
        """Hold ``lock_id`` until this transaction ends, across processes (SQLite's
        BEGIN IMMEDIATE already serialises all writers)."""


class SQLiteBackend(Backend):
    dialect = "sqlite"
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        if str(path) != ":memory:" and not path.parent.exists():
            raise StoreError(f"{path}: directory {path.parent} does not exist")

    def reader(self) -> Conn:
        if str(self.path) == ":memory:":
            # An in-memory database exists only on its one connection (tests, doctests).
            with self._write_lock:
                if self._writer is None:
                    self._writer = self._connect(writer=True)
                return self._writer
        return super().reader()

    def _connect(self, *, writer: bool) -> Conn:
        try:
            raw = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=not writer, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
            )
            raw.row_factory = _dict_row
            raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            raw.execute("PRAGMA foreign_keys = ON")
            if writer:
                raw.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode: a committed transaction survives the process being
                # killed (only an OS crash can lose the very last ones).
                raw.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a saywho database ({error})") from error
        return Conn(raw, _identity)

    @contextmanager
    def _transaction(self, conn: Conn) -> Iterator[None]:
        conn.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise
        conn.raw.execute("COMMIT")


class PostgresBackend(Backend):
    dialect = "postgresql"

    def __init__(self, dsn: str):
        super().__init__()
        try:
            import psycopg  # (imported here so the error names the fix)
        except ImportError as error:  # pragma: no cover - depends on the install
            raise StoreError("PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from error
        self.dsn = dsn
        self.errors = (psycopg.Error,)

    def _connect(self, *, writer: bool) -> Conn:
        import psycopg
        from psycopg.rows import dict_row

        try:
            raw = psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row)
        except psycopg.Error as error:
            raise StoreError(f"cannot connect to PostgreSQL at {redact_dsn(self.dsn)}: {error}") from error
        return Conn(raw, _to_pyformat, no_nul=True)

    @contextmanager
    def _transaction(self, conn: Conn) -> Iterator[None]:
        with conn.raw.transaction():
            yield

    def _lock_for_migration(self, conn: Conn) -> None:
        self.lock(conn, MIGRATION_LOCK_ID)

    def lock(self, conn: Conn, lock_id: int) -> None:
        conn.run("SELECT pg_advisory_xact_lock(?)", (lock_id,))


#: Arbitrary constant identifying saywho's migration lock among advisory locks.
MIGRATION_LOCK_ID = 0x5A7_3740
#: The same for grouping articles into stories: two processes storing two copies of one
#: story at once would otherwise not see each other's uncommitted article.
STORIES_LOCK_ID = 0x5A7_3741


def open_backend(target: str | Path) -> Backend:
    """``postgresql://...`` (or ``postgres://``) opens PostgreSQL; anything else is an SQLite file path."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text)
    return SQLiteBackend(Path(text).expanduser())


def available_migrations(dialect: str) -> dict[int, str]:
    """``NNNN_name.sql`` files of the dialect, by number."""
    folder = resources.files("saywho.store") / "migrations" / dialect
    found: dict[int, str] = {}
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_[\w-]+\.sql", entry.name)
        if match:
            found[int(match.group(1))] = entry.read_text(encoding="utf-8")
    return found


def split_statements(script: str) -> list[str]:
    """Split an SQL script into statements (trigger bodies and PostgreSQL ``$$`` blocks
    with inner ``;`` stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer) and buffer.count("$$") % 2 == 0:
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row)}


def _identity(sql: str) -> str:
    return sql


@functools.lru_cache(maxsize=512)
def _to_pyformat(sql: str) -> str:
    # Queries never hold a literal "?" (values are always parameters), so this is exact.
    return sql.replace("%", "%%").replace("?", "%s")


def _close_quietly(raw: Any) -> None:
    with suppress(Exception):
        raw.close()


def _now() -> str:
    from datetime import datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
