"""Curation: a person's corrections of who said what, kept in a form that outlives the database.

Three operations correct the speakers the store resolved automatically:

* **merge**: several corpus speakers are one person or organisation;
* **split**: some names of a speaker are someone else;
* **reassign**: one statement was said by another speaker (known, or new by name and kind).

Each is applied at once and recorded in the ``curation`` table without database ids:
an article is its content hash, a statement its article's hash plus its sequence number
(and its content, to check it), a speaker its name, kind and name keys. So the log can
be exported (``saywho curation export``, or lines of ``saywho export``), imported into a
fresh database or another backend, and replayed:

* merges and splits set name keys with origin ``manual``, which automatic resolution
  never moves: in an empty database they wait for the articles, which then resolve to
  the curated speakers as they are ingested;
* a reassignment whose article is not stored is *pending*; it is applied when an
  article with that content hash is stored (ingest, import, or a deleted article
  ingested again), in the same transaction.

Replaying is idempotent: an entry that already holds changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict, cast

from saywho.store import identities
from saywho.store.db import Conn, StoreError
from saywho.store.names import display_name, key_for

#: The operations a curation entry may hold.
OPS = ("merge", "split", "reassign")

#: Kinds a corpus speaker may have (unnamed speakers are never corpus speakers).
CORPUS_SPEAKER_KINDS = ("person", "organization", "group")

#: Longest name accepted for a new speaker: a name, not a paragraph.
MAX_NAME_CHARS = 200


class SpeakerIdentity(TypedDict):
    """A corpus speaker without its id: display name, kind and the name keys it owns."""

    name: str
    kind: str
    keys: list[str]


class StatementRef(TypedDict):
    """A statement without its id: its article's content hash, its position and its content."""

    article: str
    seq: int
    content: str


@dataclass(slots=True)
class ImportReport:
    """What importing a curation log did."""

    #: New entries recorded and applied.
    applied: int = 0
    #: New entries whose article is not stored yet: applied when it is.
    pending: int = 0
    #: Entries recorded already (the same file imported twice): nothing done.
    known: int = 0
    #: Reassignments whose article is stored but holds no such statement any more.
    unmatched: int = 0

    def summary(self) -> str:
        return (f"applied {self.applied} curation entries; {self.pending} pending until their article is stored; "
                f"{self.known} already recorded; {self.unmatched} statements not found")


# --- the three operations, as the store calls them ------------------------------------


def merge(conn: Conn, into: int, others: list[int], now: str) -> None:
    """Merge speakers (saywho.store.identities.merge) and record it."""
    into_ref = identity(conn, into)
    other_refs = [identity(conn, other) for other in dict.fromkeys(others) if other != into]
    identities.merge(conn, into, others, now)
    record(conn, "merge", {"into": into_ref, "others": other_refs}, stamp())


def split(conn: Conn, speaker_id: int, names: list[str], now: str) -> int:
    """Split names off a speaker (saywho.store.identities.split) and record it."""
    from_ref = identity(conn, speaker_id)
    new_id = identities.split(conn, speaker_id, names, now)
    record(conn, "split", {"from": from_ref, "names": list(names)}, stamp())
    return new_id


def reassign(conn: Conn, attribution_id: int, now: str, *, speaker_id: int | None = None, name: str | None = None,
             kind: str | None = None) -> int:
    """Give one statement another speaker: a known one (``speaker_id``) or a new one
    (``name`` and ``kind``; a name whose key a speaker owns already is that speaker).
    Records the change and returns the speaker id the statement now has."""
    statement = conn.one(
        "SELECT a.id, a.seq, a.content, ar.id AS article_id, ar.content_hash FROM attributions a "
        "JOIN articles ar ON ar.id = a.article_id WHERE a.id = ?",
        (attribution_id,),
    )
    if statement is None:
        raise StoreError(f"no statement {attribution_id}")
    if (speaker_id is None) == (name is None):
        raise StoreError("reassign to a speaker id, or to a new speaker's name and kind (not both)")
    if speaker_id is not None:
        target = _live(conn, speaker_id)
        if target is None:
            raise StoreError(f"no speaker {speaker_id}")
        created = False
    else:
        target, created = _new_speaker(conn, name or "", kind or "", now)
    ref: StatementRef = {"article": statement["content_hash"], "seq": statement["seq"], "content": statement["content"]}
    _point_statement(conn, statement["id"], statement["article_id"], target, now)
    record(conn, "reassign", {"statement": ref, "to": identity(conn, target), "new": created}, stamp(),
           article_hash=statement["content_hash"])
    return target


# --- recording and replaying ----------------------------------------------------------


def stamp() -> str:
    """When an entry was made, to the microsecond: two identical corrections made one after
    the other (A to B, back to A, to B again) stay distinct entries."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def record(conn: Conn, op: str, detail: dict[str, Any], created_at: str, *, article_hash: str | None = None) -> bool:
    """Add an entry to the curation log; False when the very same entry is there already."""
    fingerprint = _fingerprint(op, detail, created_at)
    inserted = conn.value(
        "INSERT INTO curation (fingerprint, op, detail, article_hash, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
        (fingerprint, op, json.dumps(detail, ensure_ascii=False, sort_keys=True), article_hash, created_at),
    )
    return inserted is not None


def entries(conn: Conn) -> list[dict[str, Any]]:
    """The curation log, oldest first, as exported: ``{"op", "created_at", ...detail}``."""
    return [
        {"op": row["op"], "created_at": row["created_at"], **json.loads(row["detail"])}
        for row in conn.all("SELECT op, detail, created_at FROM curation ORDER BY id")
    ]


def import_entries(conn: Conn, items: list[dict[str, Any]], now: str) -> ImportReport:
    """Record and apply exported entries in their order; ones recorded already are skipped."""
    report = ImportReport()
    for item in items:
        op, detail, created_at = parse_entry(item)
        article_hash = detail["statement"]["article"] if op == "reassign" else None
        if not record(conn, op, detail, created_at, article_hash=article_hash):
            report.known += 1
            continue
        outcome = apply(conn, op, detail, now)
        if outcome == "applied":
            report.applied += 1
        elif outcome == "pending":
            report.pending += 1
        else:
            report.unmatched += 1
    return report


def replay_article(conn: Conn, article_hash: str, now: str) -> int:
    """Apply the reassignments recorded for an article that was just stored; return how many held."""
    applied = 0
    for row in conn.all("SELECT op, detail FROM curation WHERE article_hash = ? ORDER BY id", (article_hash,)):
        if apply(conn, row["op"], json.loads(row["detail"]), now) == "applied":
            applied += 1
    return applied


def is_reassigned(conn: Conn, attribution_id: int) -> bool:
    """Whether a statement now belongs to a mention made by a reassignment."""
    return conn.value(
        "SELECT 1 AS yes FROM attributions a JOIN mentions m ON m.id = a.mention_id "
        "WHERE a.id = ? AND m.local_id LIKE 'curated:%'",
        (attribution_id,),
    ) is not None


def pending(conn: Conn) -> int:
    """Reassignments waiting for their article to be stored."""
    return conn.value(
        "SELECT COUNT(*) AS n FROM curation c WHERE c.article_hash IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM articles ar WHERE ar.content_hash = c.article_hash)"
    ) or 0


Outcome = Literal["applied", "pending", "unmatched"]


def apply(conn: Conn, op: str, detail: dict[str, Any], now: str) -> Outcome:
    """Make one entry hold in this database (nothing changes where it holds already)."""
    if op == "merge":
        _apply_merge(conn, detail, now)
    elif op == "split":
        _apply_split(conn, detail, now)
    else:
        return _apply_reassign(conn, detail, now)
    return "applied"


def _apply_merge(conn: Conn, detail: dict[str, Any], now: str) -> None:
    into = ensure_speaker(conn, detail["into"], now)
    found: list[int] = []
    for ref in detail["others"]:
        other = find_speaker(conn, ref)
        if other is None:
            # Not in this database yet: its names resolve to the target once it comes.
            _own_keys(conn, ref["keys"], into, now)
        elif other != into and other not in found:
            found.append(other)
    if found:
        identities.merge(conn, into, found, now)
    else:
        conn.run("UPDATE speaker_keys SET origin = 'manual' WHERE speaker_id = ?", (into,))
        _audit(conn, "merge", {"into": into, "others": [], "replayed": True}, now)


def _apply_split(conn: Conn, detail: dict[str, Any], now: str) -> None:
    kind = detail["from"]["kind"]
    names = detail["names"]
    keys = sorted({k.key for name in names if (k := key_for(name, kind))})
    if not keys:
        return  # no name saywho can key: nothing could ever resolve to the split-off speaker
    marks = ", ".join("?" for _ in keys)
    source = find_speaker(conn, detail["from"])
    if source is not None and conn.value(
        f"SELECT COUNT(*) AS n FROM mentions WHERE speaker_id = ? AND key IN ({marks})", (source, *keys)
    ):
        identities.split(conn, source, names, now)
        return
    manual = conn.all(f"SELECT speaker_id FROM speaker_keys WHERE origin = 'manual' AND key IN ({marks})", keys)
    holders = {identities_live(conn, row["speaker_id"]) for row in manual}
    if len(manual) == len(keys) and len(holders) == 1 and source not in holders:
        return  # split already: the names belong to a speaker of their own
    new_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id",
        (display_name(names[0], kind), kind, now),
    )
    _own_keys(conn, keys, new_id, now)
    _audit(conn, "split", {"from": source, "names": names, "new": new_id, "replayed": True}, now)


def _apply_reassign(conn: Conn, detail: dict[str, Any], now: str) -> Outcome:
    ref = detail["statement"]
    article_id = conn.value("SELECT id FROM articles WHERE content_hash = ?", (ref["article"],))
    if article_id is None:
        return "pending"
    statement = conn.one("SELECT id, content FROM attributions WHERE article_id = ? AND seq = ?", (article_id, ref["seq"]))
    if statement is None or statement["content"] != ref["content"]:
        # Analysed again by another saywho, the statements may be numbered differently:
        # the same content in the same article is the same statement.
        statement = conn.one(
            "SELECT id, content FROM attributions WHERE article_id = ? AND content = ? ORDER BY seq LIMIT 1",
            (article_id, ref["content"]),
        )
    if statement is None:
        return "unmatched"
    _point_statement(conn, statement["id"], article_id, ensure_speaker(conn, detail["to"], now), now)
    return "applied"


# --- speakers by identity ---------------------------------------------------------------


def identity(conn: Conn, speaker_id: int) -> SpeakerIdentity:
    """A live speaker as name, kind and name keys."""
    row = conn.one("SELECT id, name, kind, merged_into FROM speakers WHERE id = ?", (speaker_id,))
    if row is None:
        raise StoreError(f"no speaker {speaker_id}")
    keys = [r["key"] for r in conn.all("SELECT key FROM speaker_keys WHERE speaker_id = ? ORDER BY key", (speaker_id,))]
    return {"name": row["name"], "kind": row["kind"], "keys": keys}


def find_speaker(conn: Conn, ref: SpeakerIdentity) -> int | None:
    """The live speaker that owns one of these name keys now, None when none does."""
    for key in ref["keys"]:
        found = conn.value("SELECT speaker_id FROM speaker_keys WHERE key = ?", (key,))
        if found is not None:
            return identities_live(conn, found)
    return None


def ensure_speaker(conn: Conn, ref: SpeakerIdentity, now: str) -> int:
    """The speaker owning these keys, created (with these keys) when none does yet."""
    found = find_speaker(conn, ref)
    if found is not None:
        return found
    speaker_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id", (ref["name"], ref["kind"], now)
    )
    for key in ref["keys"]:
        conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, speaker_id))
    return speaker_id


def identities_live(conn: Conn, speaker_id: int) -> int:
    """Follow merges to the speaker an id lives on as."""
    for _ in range(100):  # merge chains are short; the bound only guards against a cycle
        merged_into = conn.value("SELECT merged_into FROM speakers WHERE id = ?", (speaker_id,))
        if merged_into is None:
            return speaker_id
        speaker_id = merged_into
    return speaker_id


def new_speaker_keys(name: str, kind: str) -> list[str]:
    """The name keys of a speaker created by hand.

    Its ordinary key when the name has a full one, so that later articles naming it
    resolve to it; a ``curated:`` key otherwise, because a bare surname key would
    claim every bare mention of that surname.
    """
    key = key_for(name, kind)
    if key is not None and not key.key.startswith("surname:"):
        return [key.key]
    return [f"curated:{kind}:{' '.join(name.casefold().split())}"]


def _new_speaker(conn: Conn, name: str, kind: str, now: str) -> tuple[int, bool]:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise StoreError(f"a new speaker needs a name of 1-{MAX_NAME_CHARS} characters")
    if kind not in CORPUS_SPEAKER_KINDS:
        raise StoreError(f"a new speaker's kind must be one of {', '.join(CORPUS_SPEAKER_KINDS)}, not {kind!r}")
    ref: SpeakerIdentity = {"name": display_name(name, kind), "kind": kind, "keys": new_speaker_keys(name, kind)}
    found = find_speaker(conn, ref)
    if found is not None:
        return found, False
    return ensure_speaker(conn, ref, now), True


def _live(conn: Conn, speaker_id: int) -> int | None:
    if conn.value("SELECT id FROM speakers WHERE id = ?", (speaker_id,)) is None:
        return None
    return identities_live(conn, speaker_id)


def _own_keys(conn: Conn, keys: list[str], speaker_id: int, now: str) -> None:
    """Give name keys to a speaker for good (origin manual), moving the mentions that carry them."""
    if not keys:
        return
    for key in keys:
        conn.run(
            "INSERT INTO speaker_keys (key, speaker_id, origin) VALUES (?, ?, 'manual') "
            "ON CONFLICT (key) DO UPDATE SET speaker_id = excluded.speaker_id, origin = 'manual'",
            (key, speaker_id),
        )
    marks = ", ".join("?" for _ in keys)
    conn.run(f"UPDATE mentions SET speaker_id = ? WHERE key IN ({marks})", (speaker_id, *keys))
    for key in keys:
        if key.startswith("surname:"):
            identities.resolve_surname(conn, key.split(":", 1)[1], now)


def _point_statement(conn: Conn, attribution_id: int, article_id: int, speaker_id: int, now: str) -> None:
    """Make a statement's mention one of ``speaker_id`` (a mention of the article made for
    curation, so that the other statements of its old mention keep their speaker)."""
    current = conn.one(
        "SELECT m.id, m.speaker_id, m.local_id FROM attributions a JOIN mentions m ON m.id = a.mention_id WHERE a.id = ?",
        (attribution_id,),
    )
    if current is not None and current["speaker_id"] is not None and identities_live(conn, current["speaker_id"]) == speaker_id:
        return
    target = conn.one("SELECT name, kind FROM speakers WHERE id = ?", (speaker_id,))
    assert target is not None
    local_id = f"curated:{speaker_id}"
    mention_id = conn.value("SELECT id FROM mentions WHERE article_id = ? AND local_id = ?", (article_id, local_id))
    if mention_id is None:
        # No name key: automatic resolution (surnames re-decided) never moves this mention.
        mention_id = conn.value(
            "INSERT INTO mentions (article_id, local_id, name, kind, key, surname, speaker_id) "
            "VALUES (?, ?, ?, ?, NULL, NULL, ?) RETURNING id",
            (article_id, local_id, target["name"], target["kind"], speaker_id),
        )
    conn.run("UPDATE attributions SET mention_id = ? WHERE id = ?", (mention_id, attribution_id))
    if current is not None and current["local_id"].startswith("curated:"):
        # A curation mention no statement uses any more is gone with its last statement.
        conn.run("DELETE FROM mentions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM attributions WHERE mention_id = ?)",
                 (current["id"], current["id"]))
    _audit(conn, "reassign", {"statement": attribution_id, "to": speaker_id}, now)


def _audit(conn: Conn, op: str, detail: dict[str, Any], now: str) -> None:
    """A line in the audit log of speaker edits (with this database's ids); it also tells
    the store's speaker caches that counts may have changed (Store.data_version)."""
    conn.run("INSERT INTO speaker_edits (op, detail, created_at) VALUES (?, ?, ?)", (op, json.dumps(detail), now))


# --- choosing a speaker -------------------------------------------------------------------


#: Most suggestions one request may ask for: a list to pick from, not a search.
MAX_SUGGESTIONS = 20


class Suggestion(TypedDict):
    id: int
    name: str
    kind: str
    #: Articles that quote or name the speaker.
    articles: int


def suggest(conn: Conn, text: str, limit: int = 10) -> list[Suggestion]:
    """Live speakers whose name holds ``text``: names starting with it first, then those in
    the most articles (for search-as-you-type when fixing a speaker)."""
    text = " ".join(text.split()).lower()
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.all(
        "SELECT s.id, s.name, s.kind, COUNT(DISTINCT m.article_id) AS articles FROM speakers s JOIN mentions m ON m.speaker_id = s.id "
        "WHERE s.merged_into IS NULL AND lower(s.name) LIKE ? ESCAPE '\\' GROUP BY s.id, s.name, s.kind "
        "ORDER BY (lower(s.name) LIKE ? ESCAPE '\\') DESC, articles DESC, s.name, s.id LIMIT ?",
        (f"%{escaped}%", f"{escaped}%", max(1, min(limit, MAX_SUGGESTIONS))),
    )
    return [cast(Suggestion, row) for row in rows]


# --- the exported form ------------------------------------------------------------------


def parse_entry(item: Any) -> tuple[str, dict[str, Any], str]:
    """An exported entry as ``(op, detail, created_at)``; ``ValueError`` saying what is wrong."""
    if not isinstance(item, dict):
        raise ValueError(f"a curation entry must be a JSON object, not {type(item).__name__}")
    op = item.get("op")
    if op not in OPS:
        raise ValueError(f"'op' must be one of {', '.join(OPS)}, not {op!r}")
    created_at = item.get("created_at")
    if not isinstance(created_at, str) or not created_at:
        raise ValueError("'created_at' must be a timestamp string")
    detail = {k: v for k, v in item.items() if k not in ("op", "created_at")}
    if op == "merge":
        _check_identity(detail.get("into"), "into")
        others = detail.get("others")
        if not isinstance(others, list) or not others:
            raise ValueError("'others' must be a non-empty list of speakers")
        for other in others:
            _check_identity(other, "others[]")
    elif op == "split":
        _check_identity(detail.get("from"), "from")
        names = detail.get("names")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValueError("'names' must be a non-empty list of names")
    else:
        statement = detail.get("statement")
        if not (isinstance(statement, dict) and isinstance(statement.get("article"), str)
                and isinstance(statement.get("seq"), int) and isinstance(statement.get("content"), str)):
            raise ValueError("'statement' must hold article (content hash), seq (number) and content")
        _check_identity(detail.get("to"), "to")
    return op, detail, created_at


def _check_identity(value: Any, field: str) -> None:
    if not (isinstance(value, dict) and isinstance(value.get("name"), str) and value.get("kind") in CORPUS_SPEAKER_KINDS
            and isinstance(value.get("keys"), list) and value["keys"] and all(isinstance(k, str) for k in value["keys"])):
        raise ValueError(f"'{field}' must be a speaker: name, kind ({', '.join(CORPUS_SPEAKER_KINDS)}) and non-empty keys")


def _fingerprint(op: str, detail: dict[str, Any], created_at: str) -> str:
    canonical = json.dumps({"op": op, "detail": detail, "created_at": created_at}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
