"""Wire copies: near-duplicate articles grouped into stories as they are stored.

The same agency story runs on several sites with a changed headline or a line
added. Each stored article gets a ``story_id``: the id of the first stored
article of its group, found with the near-duplicate detector's MinHash
signatures (``saywho.ingest.dedup``, thresholds in ``data/duplicates.json``).

Grouping is incremental and needs no index in memory: each article's signature
and its LSH band hashes are stored (``article_signatures``, ``story_bands``), so
a new article's candidates come from one indexed lookup of its band keys and
are then verified by estimated Jaccard similarity. Groups are the connected
components of verified pairs (as in ``saywho duplicates``), so the result does
not depend on the order articles arrive in: an article that matches two stories
joins them, under the smaller id.

numpy and datasketch are imported on first use, so that opening a store to
search does not pay for them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from saywho.store.db import Conn

if TYPE_CHECKING:
    import numpy as np

#: Articles grouped per transaction when grouping a corpus stored before stories existed.
PENDING_BATCH = 200

#: SQL for the parts of a statement's identity across copies: a search collapses
#: rows equal on all three, speaker lists count each (story, content) once.
#: ``copy_key`` is NULL only for rows not yet grouped; their own id keeps them apart.
SPEAKER_KEY = "COALESCE(CAST(m.speaker_id AS TEXT), lower(m.name), '')"
CONTENT_KEY = "COALESCE(a.copy_key, CAST(a.id AS TEXT))"
#: Counting expressions for the speakers list and the speaker page (``ar`` is the
#: statement's article, ``a`` the statement): a story counts once however many
#: copies carry it, and a statement once per story.
STORY_COUNT = "COUNT(DISTINCT ar.story_id)"
STATEMENT_COUNT = f"COUNT(DISTINCT CAST(ar.story_id AS TEXT) || ':' || {CONTENT_KEY})"
#: Statements as collapsed search counts them (``m`` the mention): one per story, speaker and
#: content, for counts over statements of many speakers (search facets).
COLLAPSED_COUNT = f"COUNT(DISTINCT CAST(ar.story_id AS TEXT) || ':' || {SPEAKER_KEY} || ':' || {CONTENT_KEY})"


def copy_key(content: str) -> str:
    """A statement's content reduced to its case-folded words, hashed: equal for copies that
    differ only in quotation marks, punctuation or spacing."""
    from saywho.ingest.dedup import normalise

    return hashlib.blake2b(normalise(content).encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class StoryConfig:
    threshold: float
    num_perm: int
    shingle_words: int

    @classmethod
    def default(cls) -> StoryConfig:
        """The detector's tuned constants (``data/duplicates.json``)."""
        from saywho.ingest import dedup

        return cls(dedup.DEFAULT_THRESHOLD, dedup.DEFAULT_NUM_PERM, dedup.SHINGLE_WORDS)


class StoryGrouper:
    """Assigns stored articles to stories inside the store's write transactions."""

    def __init__(self, config: StoryConfig | None = None):
        self._given = config

    @cached_property
    def config(self) -> StoryConfig:
        # Loaded on first use: the detector's module brings numpy and datasketch (0.35 s),
        # which a store opened to search never needs.
        return self._given or StoryConfig.default()

    @cached_property
    def _band_ranges(self) -> list[tuple[int, int]]:
        """The LSH bands datasketch picks for this threshold (its false positive and
        negative weights balanced); candidates are verified afterwards either way."""
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=self.config.threshold, num_perm=self.config.num_perm)
        return [(start, end) for start, end in lsh.hashranges]

    @cached_property
    def _permutations(self):
        from datasketch import MinHash

        drawn = MinHash(num_perm=self.config.num_perm)
        return drawn.permutations, drawn.scheme

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash signature of a text's word shingles; None for a text without words."""
        import numpy as np
        from datasketch import MinHash

        from saywho.ingest.dedup import normalise, word_shingles

        shingles = word_shingles(normalise(text), self.config.shingle_words)
        if not shingles:
            return None
        # The permutations are those MinHash(num_perm) draws from its fixed seed, drawn once:
        # drawing them again for every article cost a third of the signature's time.
        permutations, scheme = self._permutations
        minhash = MinHash(num_perm=self.config.num_perm, permutations=permutations, scheme=scheme)
        minhash.update_batch(list(shingles))
        return np.asarray(minhash.hashvalues, dtype="<u4")

    @staticmethod
    def stored_signature(blob: bytes) -> np.ndarray:
        """A signature as ``article_signatures`` holds it, back as the array it was."""
        import numpy as np

        return np.frombuffer(bytes(blob), dtype="<u4")

    def same_story(self, one: np.ndarray, other: np.ndarray) -> bool:
        """Whether two signatures' estimated Jaccard similarity reaches the threshold."""
        return float((one == other).mean()) >= self.config.threshold

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 64-bit key per band: the band's number and values, hashed."""
        keys = []
        for band, (start, end) in enumerate(self._band_ranges):
            digest = hashlib.blake2b(band.to_bytes(2, "little") + signature[start:end].tobytes(), digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys

    def assign(self, conn: Conn, article_id: int, text: str) -> int:
        """Group one stored article (in the caller's transaction); return its story id."""
        signature = self.signature(text)
        conn.run(
            "INSERT INTO article_signatures (article_id, signature) VALUES (?, ?)",
            (article_id, signature.tobytes() if signature is not None else None),
        )
        stories = {article_id}
        if signature is not None:
            keys = self.band_keys(signature)
            marks = ", ".join("?" for _ in keys)
            for row in conn.all(
                "SELECT ar.id, ar.story_id, s.signature FROM articles ar JOIN article_signatures s ON s.article_id = ar.id "
                f"WHERE ar.id IN (SELECT article_id FROM story_bands WHERE key IN ({marks})) AND ar.id <> ?",
                [*keys, article_id],
            ):
                if self.same_story(self.stored_signature(row["signature"]), signature):
                    stories.add(row["story_id"])
            for key in keys:
                conn.run("INSERT INTO story_bands (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, article_id))
        current = conn.value("SELECT story_id FROM articles WHERE id = ?", (article_id,))
        if current is not None:
            stories.add(current)
        story = min(stories)
        marks = ", ".join("?" for _ in stories)
        conn.run(f"UPDATE articles SET story_id = ? WHERE id = ? OR story_id IN ({marks})", [story, article_id, *stories])
        return story

    def group_pending(self, conn: Conn, limit: int = PENDING_BATCH) -> int:
        """Group up to ``limit`` articles stored before stories existed (oldest first),
        filling their statements' copy keys too; return how many were grouped."""
        rows = conn.all(
            "SELECT ar.id, ar.text FROM articles ar WHERE NOT EXISTS "
            "(SELECT 1 FROM article_signatures s WHERE s.article_id = ar.id) ORDER BY ar.id LIMIT ?",
            (limit,),
        )
        for row in rows:
            for statement in conn.all("SELECT id, content FROM attributions WHERE article_id = ? AND copy_key IS NULL", (row["id"],)):
                conn.run("UPDATE attributions SET copy_key = ? WHERE id = ?", (copy_key(statement["content"]), statement["id"]))
            self.assign(conn, row["id"], row["text"])
        return len(rows)

