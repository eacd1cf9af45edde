"""Speakers across articles: which article speakers are the same person or organisation.

Rules, in order of strength:

1. Manual merges and splits (``saywho speakers merge/split``) move name keys to a
   speaker with origin ``manual``; automatic resolution never moves those keys, so
   the correction holds for every article ingested later.
2. A full person name resolves by its key (first + last name, titles and middle names
   dropped): "Gen. Stephen Townsend" and "Stephen Townsend" are one speaker, "Bill
   Clinton" and "Hillary Clinton" never are. Aliases with another first name are not
   followed, even if one article's resolution linked them.
3. An organisation resolves by its name or any of its aliases ("FBI").
4. A bare surname ("Townsend") in an article that never gives the full name is
   decided from the whole corpus (:func:`choose_person`): the only full-named person
   with that surname; or the one whose descriptors alone match; or the one who
   clearly dominates the surname in that period. Otherwise it stays its own speaker
   ("Clinton"), because guessing would merge two people.

Rule 4 is re-evaluated for a surname whenever an article adds a mention under it, so
the outcome depends on the corpus, not on the order articles arrived in.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from saywho.models import Article, Speaker, SpeakerRef
from saywho.store.db import Conn, StoreError
from saywho.store.names import NameKey, descriptor_words, display_name, is_acronym_of, key_for

#: A bare surname goes to the person with that surname who holds at least this share
#: of its full-name mentions in the same period; "Trump" in 2016 is Donald Trump, but
#: "Clinton" stays apart while Bill and Hillary are both often named. Calibrated by
#: spot-checking the top speakers of the BBC + PolNeAR corpus (docs/corpus.md).
DOMINANT_SHARE = 0.75

#: The period (years either side of the article's year) in which dominance is counted,
#: so that a 2004 "Clinton" is weighed against 2003-2005 mentions only.
PERIOD_YEARS = 1


@dataclass(slots=True)
class Candidate:
    """A full-named person who shares a bare mention's surname."""

    speaker_id: int
    mentions_by_year: Counter[str] = field(default_factory=Counter)
    descriptor_words: set[str] = field(default_factory=set)

    def mentions_near(self, year: str | None) -> int:
        if year is None or not year.isdecimal():
            return sum(self.mentions_by_year.values())
        y = int(year)
        return sum(n for k, n in self.mentions_by_year.items() if k.isdecimal() and abs(int(k) - y) <= PERIOD_YEARS)


@dataclass(slots=True)
class BareMention:
    id: int
    year: str | None
    descriptor_words: set[str]


def choose_person(bare: BareMention, candidates: list[Candidate]) -> int | None:
    """The speaker a bare-surname mention refers to, or None when it is ambiguous."""
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0].speaker_id
    if bare.descriptor_words:
        overlaps = [(len(bare.descriptor_words & c.descriptor_words), c.speaker_id) for c in candidates]
        best = max(n for n, _ in overlaps)
        winners = [speaker for n, speaker in overlaps if n == best]
        if best > 0 and len(winners) == 1:
            return winners[0]
    counts = [(c.mentions_near(bare.year), c.speaker_id) for c in candidates]
    total = sum(n for n, _ in counts)
    if total == 0:
        counts = [(sum(c.mentions_by_year.values()), c.speaker_id) for c in candidates]
        total = sum(n for n, _ in counts)
    top, speaker = max(counts)
    if total and top / total >= DOMINANT_SHARE:
        return speaker
    return None


#: An "organisation" named by one word is taken for a person with that surname only when
#: that person is known in the corpus (at least this many full-name mentions) and dominates
#: the surname: spaCy often files "Clinton said" under ORG, but "Ford" may be the company.
MISFILED_MIN_MENTIONS = 5

#: Descriptor words that mark a real organisation, never a misfiled person.
ORGANISATION_WORDS = frozenset({"company", "firm", "group", "party", "organisation", "organization", "giant",
                                "maker", "manufacturer", "bank", "network", "agency", "club", "team", "union"})


def choose_misfiled_person(bare: BareMention, candidates: list[Candidate]) -> int | None:
    """The person a one-word "organisation" really is, or None to keep it an organisation."""
    if not candidates or bare.descriptor_words & ORGANISATION_WORDS:
        return None
    counts = [(c.mentions_near(bare.year), c.speaker_id) for c in candidates]
    total = sum(n for n, _ in counts)
    top, speaker = max(counts)
    if top >= MISFILED_MIN_MENTIONS and top / total >= DOMINANT_SHARE:
        return speaker
    return None


# --- writing an article's speakers ------------------------------------------------


def store_mentions(conn: Conn, article_id: int, article: Article, now: str) -> dict[str, int]:
    """Insert the article's speakers as mentions linked to corpus speakers.

    Returns mention ids by the article's local speaker id.
    """
    mention_ids: dict[str, int] = {}
    surnames: set[str] = set()
    for speaker in local_speakers(article):
        key = primary_key(speaker)
        speaker_id = None
        if key is not None and not key.key.startswith("surname:"):
            speaker_id = _speaker_for_key(conn, key, speaker, now)
        mention_id = conn.value(
            "INSERT INTO mentions (article_id, local_id, name, kind, key, surname, speaker_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (article_id, speaker.id, speaker.name, speaker.kind, key.key if key else None,
             key.surname if key else None, speaker_id),
        )
        for name in dict.fromkeys([speaker.name, *speaker.aliases]):
            conn.run("INSERT INTO mention_names (mention_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", (mention_id, name))
        for descriptor in dict.fromkeys(speaker.descriptors):
            conn.run(
                "INSERT INTO mention_descriptors (mention_id, descriptor) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (mention_id, descriptor),
            )
        mention_ids[speaker.id] = mention_id
        if key is not None and key.surname:
            surnames.add(key.surname)
    for surname in sorted(surnames):
        resolve_surname(conn, surname, now)
    return mention_ids


def primary_key(speaker: Speaker) -> NameKey | None:
    """The key a speaker resolves by.

    A person: its fullest name among name and aliases (the article already linked
    "Townsend" to "Stephen Townsend"). Anything else: its own name only; its aliases
    are often pronouns and descriptions ("it", "the company") that would chain
    unrelated organisations together.
    """
    if speaker.kind != "person":
        key = key_for(fullest_proper_name(speaker), speaker.kind)
        word = key.key.split(":", 1)[1] if key else ""
        if key and word.isalpha() and speaker.kind in ("organization", "group"):
            # One capitalised word ("Clinton") may be a person the extractor filed as an
            # organisation; resolve_surname decides, falling back to the organisation.
            return NameKey(f"surname:{word}", word)
        return key
    keys = [k for name in [speaker.name, *speaker.aliases] if (k := key_for(name, speaker.kind))]
    if not keys:
        return None
    full = [k for k in keys if k.full_person]
    return full[0] if full else keys[0]


def fullest_proper_name(speaker: Speaker) -> str:
    """The longest alias that extends the name with capitalised words: "Liberal Democrats" for "Democrats"."""
    words = _proper_words(speaker.name)
    best = speaker.name
    for alias in speaker.aliases:
        alias_words = _proper_words(alias)
        if (
            words and len(alias_words) > len(words) and [w.lower() for w in alias_words[-len(words):]] == [w.lower() for w in words]
            and all(w[0].isupper() or w.lower() in ("of", "and", "for") for w in alias_words)
            and len(alias_words) > len(_proper_words(best))
        ):
            best = " ".join(alias_words)
    return best


def _proper_words(name: str) -> list[str]:
    words = re.findall(r"[^\W_][\w'’&.-]*", name)
    return words[1:] if words and words[0].lower() == "the" else words


def alias_keys(speaker: Speaker, key: NameKey) -> list[str]:
    """Other names an organisation is known by that are safe to resolve on: its acronyms."""
    if speaker.kind == "person":
        return []
    out = []
    for alias in speaker.aliases:
        alias_key = key_for(alias, speaker.kind)
        if alias_key and alias_key.key != key.key and (is_acronym_of(alias, speaker.name) or is_acronym_of(speaker.name, alias)):
            out.append(alias_key.key)
    return list(dict.fromkeys(out))


def _speaker_for_key(conn: Conn, key: NameKey, speaker: Speaker, now: str) -> int:
    found = conn.value("SELECT speaker_id FROM speaker_keys WHERE key = ?", (key.key,))
    if found is not None:
        return found
    # Organisations are one entity under their name and acronym ("FBI", "Federal Bureau of Investigation").
    acronyms = alias_keys(speaker, key)
    for alias_key in acronyms:
        found = conn.value("SELECT speaker_id FROM speaker_keys WHERE key = ?", (alias_key,))
        if found is not None:
            conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (key.key, found))
            return found
    speaker_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id",
        (new_speaker_name(speaker, key), speaker.kind, now),
    )
    for k in [key.key, *acronyms]:
        conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (k, speaker_id))
    return speaker_id


def new_speaker_name(speaker: Speaker, key: NameKey) -> str:
    """The name a new corpus speaker gets: the mention's own name, or for a person the
    alias that gave the key ("Stephen Townsend" when the mention says "Townsend")."""
    name = display_name(speaker.name, speaker.kind)
    if speaker.kind == "person" and key_for(name, "person") != key:
        name = next((display_name(n, "person") for n in speaker.aliases if key_for(n, "person") == key), name)
    return name


def local_speakers(article: Article) -> list[Speaker]:
    """The article's speakers, plus any an attribution names without a speaker entry."""
    local: dict[str, Speaker] = {s.id: s for s in article.speakers}
    for attribution in article.attributions:
        ref = attribution.speaker
        if ref is not None and ref.id not in local:
            local[ref.id] = _speaker_from_ref(ref)
    return list(local.values())


def _speaker_from_ref(ref: SpeakerRef) -> Speaker:
    return Speaker(ref.id, ref.name, ref.kind, list(ref.descriptors), [ref.name])


def resolve_surname(conn: Conn, surname: str, now: str) -> None:
    """(Re)decide which speaker every bare mention of ``surname`` belongs to."""
    key = f"surname:{surname}"
    bare_rows = conn.all(
        "SELECT m.id, m.speaker_id, m.kind, m.name, substr(a.published_date, 1, 4) AS year FROM mentions m "
        "JOIN articles a ON a.id = m.article_id WHERE m.key = ? ORDER BY m.id",
        (key,),
    )
    if not bare_rows:
        return
    manual = conn.one("SELECT speaker_id FROM speaker_keys WHERE key = ? AND origin = 'manual'", (key,))
    if manual is not None:
        targets = {row["id"]: manual["speaker_id"] for row in bare_rows}
    else:
        candidates = _candidates(conn, surname)
        descriptors = _descriptors_of(conn, key)
        targets = {}
        for row in bare_rows:
            bare = BareMention(row["id"], row["year"], descriptor_words(descriptors.get(row["id"], set())))
            if row["kind"] == "person":
                target = choose_person(bare, candidates)
                targets[row["id"]] = target if target is not None else _surname_speaker(conn, key, surname, now)
            else:
                target = choose_misfiled_person(bare, candidates)
                targets[row["id"]] = target if target is not None else _named_speaker(conn, row["kind"], surname, row["name"], now)
    for row in bare_rows:
        if row["speaker_id"] != targets[row["id"]]:
            conn.run("UPDATE mentions SET speaker_id = ? WHERE id = ?", (targets[row["id"]], row["id"]))


def _named_speaker(conn: Conn, kind: str, word: str, name: str, now: str) -> int:
    """The organisation or group a one-word name resolves to when it is not a person."""
    key = f"{'org' if kind == 'organization' else 'group'}:{word}"
    found = conn.value("SELECT speaker_id FROM speaker_keys WHERE key = ?", (key,))
    if found is not None:
        return found
    speaker_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id", (display_name(name, kind), kind, now)
    )
    conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?)", (key, speaker_id))
    return speaker_id


def _candidates(conn: Conn, surname: str) -> list[Candidate]:
    by_speaker: dict[int, Candidate] = {}
    for row in conn.all(
        "SELECT m.speaker_id, substr(a.published_date, 1, 4) AS year, COUNT(*) AS n FROM mentions m "
        "JOIN articles a ON a.id = m.article_id "
        "WHERE m.surname = ? AND m.key LIKE 'person:%' AND m.speaker_id IS NOT NULL "
        "GROUP BY m.speaker_id, substr(a.published_date, 1, 4)",
        (surname,),
    ):
        candidate = by_speaker.setdefault(row["speaker_id"], Candidate(row["speaker_id"]))
        candidate.mentions_by_year[row["year"] or "?"] += row["n"]
    for row in conn.all(
        "SELECT DISTINCT m.speaker_id, d.descriptor FROM mention_descriptors d JOIN mentions m ON m.id = d.mention_id "
        "WHERE m.surname = ? AND m.key LIKE 'person:%' AND m.speaker_id IS NOT NULL",
        (surname,),
    ):
        by_speaker[row["speaker_id"]].descriptor_words |= descriptor_words([row["descriptor"]])
    return [by_speaker[k] for k in sorted(by_speaker)]


def _descriptors_of(conn: Conn, key: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for row in conn.all(
        "SELECT d.mention_id, d.descriptor FROM mention_descriptors d JOIN mentions m ON m.id = d.mention_id "
        "WHERE m.key = ?",
        (key,),
    ):
        out[row["mention_id"]].add(row["descriptor"])
    return out


def _surname_speaker(conn: Conn, key: str, surname: str, now: str) -> int:
    found = conn.value("SELECT speaker_id FROM speaker_keys WHERE key = ?", (key,))
    if found is not None:
        return found
    name = conn.value("SELECT name FROM mentions WHERE key = ? ORDER BY id LIMIT 1", (key,)) or surname.title()
    speaker_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, 'person', ?) RETURNING id",
        (display_name(name, "person"), now),
    )
    conn.run("INSERT INTO speaker_keys (key, speaker_id) VALUES (?, ?)", (key, speaker_id))
    return speaker_id


# --- manual corrections -----------------------------------------------------------


def merge(conn: Conn, into: int, others: list[int], now: str) -> None:
    """Fold ``others`` into ``into``; their names now resolve to ``into`` for good."""
    target = _live_speaker(conn, into)
    others = [o for o in dict.fromkeys(others) if o != into]
    if not others:
        raise StoreError("merge needs at least one other speaker than the target")
    surnames: set[str] = set()
    for other in others:
        _live_speaker(conn, other)
        surnames |= _surnames_of(conn, other)
        conn.run("UPDATE mentions SET speaker_id = ? WHERE speaker_id = ?", (into, other))
        conn.run("UPDATE speaker_keys SET speaker_id = ?, origin = 'manual' WHERE speaker_id = ?", (into, other))
        conn.run("UPDATE speakers SET merged_into = ? WHERE id = ? OR merged_into = ?", (into, other, other))
    conn.run("UPDATE speaker_keys SET origin = 'manual' WHERE speaker_id = ?", (into,))
    _log(conn, "merge", {"into": into, "into_name": target["name"], "others": others}, now)
    for surname in sorted(surnames | _surnames_of(conn, into)):
        resolve_surname(conn, surname, now)


def split(conn: Conn, speaker_id: int, names: list[str], now: str) -> int:
    """Move the mentions of ``speaker_id`` named by any of ``names`` to a new speaker; return its id."""
    speaker = _live_speaker(conn, speaker_id)
    keys = sorted({k.key for name in names if (k := key_for(name, speaker["kind"]))})
    if not keys:
        raise StoreError(f"none of {names!r} is a name saywho can key")
    marks = ", ".join("?" for _ in keys)
    moving = conn.value(
        f"SELECT COUNT(*) AS n FROM mentions WHERE speaker_id = ? AND key IN ({marks})", (speaker_id, *keys)
    )
    if not moving:
        known = ", ".join(r["name"] for r in conn.all(
            "SELECT DISTINCT name FROM mentions WHERE speaker_id = ? ORDER BY name LIMIT 20", (speaker_id,)
        ))
        raise StoreError(f"speaker {speaker_id} ({speaker['name']}) has no mention named {' or '.join(names)}; its names: {known}")
    new_id = conn.value(
        "INSERT INTO speakers (name, kind, created_at) VALUES (?, ?, ?) RETURNING id",
        (display_name(names[0], speaker["kind"]), speaker["kind"], now),
    )
    conn.run(f"UPDATE mentions SET speaker_id = ? WHERE speaker_id = ? AND key IN ({marks})", (new_id, speaker_id, *keys))
    for key in keys:
        conn.run(
            "INSERT INTO speaker_keys (key, speaker_id, origin) VALUES (?, ?, 'manual') "
            "ON CONFLICT (key) DO UPDATE SET speaker_id = excluded.speaker_id, origin = 'manual'",
            (key, new_id),
        )
    _log(conn, "split", {"from": speaker_id, "from_name": speaker["name"], "names": names, "new": new_id}, now)
    for surname in sorted(_surnames_of(conn, new_id) | _surnames_of(conn, speaker_id)):
        resolve_surname(conn, surname, now)
    return new_id


def _live_speaker(conn: Conn, speaker_id: int) -> dict:
    row = conn.one("SELECT id, name, kind, merged_into FROM speakers WHERE id = ?", (speaker_id,))
    if row is None:
        raise StoreError(f"no speaker {speaker_id}")
    if row["merged_into"] is not None:
        raise StoreError(f"speaker {speaker_id} ({row['name']}) was merged into {row['merged_into']}")
    return row


def _surnames_of(conn: Conn, speaker_id: int) -> set[str]:
    return {
        r["surname"]
        for r in conn.all("SELECT DISTINCT surname FROM mentions WHERE speaker_id = ? AND surname IS NOT NULL", (speaker_id,))
    }


def _log(conn: Conn, op: str, detail: dict, now: str) -> None:
    conn.run("INSERT INTO speaker_edits (op, detail, created_at) VALUES (?, ?, ?)", (op, json.dumps(detail), now))
