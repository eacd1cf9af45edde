"""How far a bulk-loaded corpus agrees with one stored article by article (docs/corpus.md).

Both stores must hold the same articles (e.g. ``saywho import x.jsonl`` into one,
``saywho import x.jsonl --bulk`` into the other). Mentions are matched by (content hash,
the article's local speaker id), since database ids differ.

    python scripts/bulk_agreement.py per-article.db bulk.db
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from saywho.store import Store

Mention = tuple[str, str]


def mentions(target: str) -> tuple[dict[Mention, str | None], dict[Mention, int | None], dict[str, str]]:
    """Each mention's speaker name and speaker id, and each article's story (as a content hash)."""
    with Store.open(target, create=False) as store:
        rows = store.backend.reader().all(
            "SELECT ar.content_hash, m.local_id, m.speaker_id, s.name FROM mentions m "
            "JOIN articles ar ON ar.id = m.article_id LEFT JOIN speakers s ON s.id = m.speaker_id "
            "WHERE m.local_id NOT LIKE 'curated:%'"
        )
        stories = {r["content_hash"]: r["story"] for r in store.backend.reader().all(
            "SELECT ar.content_hash, st.content_hash AS story FROM articles ar JOIN articles st ON st.id = ar.story_id")}
    names = {(r["content_hash"], r["local_id"]): r["name"] for r in rows}
    ids = {(r["content_hash"], r["local_id"]): r["speaker_id"] for r in rows}
    return names, ids, stories


def groups(ids: dict[Mention, int | None]) -> dict[Mention, frozenset[Mention]]:
    """Each mention's speaker as the set of mentions it has (None: a speaker of its own)."""
    members: dict[int, set[Mention]] = defaultdict(set)
    for mention, speaker in ids.items():
        if speaker is not None:
            members[speaker].add(mention)
    return {m: frozenset(members[s]) if s is not None else frozenset({m}) for m, s in ids.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("per_article")
    parser.add_argument("bulk")
    args = parser.parse_args()
    names_a, ids_a, stories_a = mentions(args.per_article)
    names_b, ids_b, stories_b = mentions(args.bulk)
    shared = sorted(names_a.keys() & names_b.keys())
    groups_a, groups_b = groups(ids_a), groups(ids_b)
    same_name = sum(names_a[m] == names_b[m] for m in shared)
    same_group = sum(groups_a[m] == groups_b[m] for m in shared)
    print(f"mentions in both: {len(shared)} (per-article {len(names_a)}, bulk {len(names_b)})")
    print(f"same speaker name: {same_name} ({same_name / len(shared):.2%})")
    print(f"same speaker (the same set of mentions): {same_group} ({same_group / len(shared):.2%})")
    story_a = groups({(h, ""): hash(s) for h, s in stories_a.items()})
    story_b = groups({(h, ""): hash(s) for h, s in stories_b.items()})
    same_story = sum(story_a[k] == story_b.get(k) for k in story_a)
    print(f"articles in the same wire-copy group: {same_story} of {len(story_a)}")
    for m in shared:
        if names_a[m] != names_b[m] and groups_a[m] != groups_b[m]:
            print(f"  differs: {m[0][:12]} {m[1]}: {names_a[m]!r} / {names_b[m]!r}")


if __name__ == "__main__":
    main()
