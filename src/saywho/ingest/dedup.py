"""Duplicate articles: exact (same normalised text) and near (MinHash LSH).

Corpora of scraped news repeat themselves: the same wire story filed twice, a
page crawled under two URLs, a correction that changed a word. Exact duplicates
are found by a hash of the normalised text (case, punctuation and spacing do not
count); near duplicates by MinHash signatures over word shingles, bucketed with
locality-sensitive hashing (datasketch), so each article is compared only with
the few that share a bucket, never with all others.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

#: The detector's tuned constants, shared with the story grouping at ingest (see the file's _comment).
_CONFIG = json.loads(resources.files("saywho").joinpath("data/duplicates.json").read_text(encoding="utf-8"))
#: Near-duplicate threshold: estimated Jaccard similarity of word-shingle sets.
DEFAULT_THRESHOLD: float = _CONFIG["threshold"]
#: Permutations per signature.
DEFAULT_NUM_PERM: int = _CONFIG["num_perm"]
#: Words per shingle.
SHINGLE_WORDS: int = _CONFIG["shingle_words"]

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Text reduced to what makes it the same article: NFKC, case-folded words, single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def content_hash(text: str) -> str:
    return hashlib.blake2b(normalise(text).encode("utf-8"), digest_size=16).hexdigest()


def word_shingles(normalised: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = normalised.split()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    kind: Literal["exact", "near"]
    #: Input names, in the order they were added; the first is the one to keep.
    members: tuple[str, ...]
    #: 1.0 for exact groups; for near groups the lowest estimated similarity that joined it.
    similarity: float

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "members": list(self.members), "similarity": round(self.similarity, 3)}


@dataclass(slots=True)
class DuplicateReport:
    documents: int
    exact: list[DuplicateGroup] = field(default_factory=list)
    near: list[DuplicateGroup] = field(default_factory=list)

    @property
    def exact_duplicates(self) -> int:
        """Documents that repeat an earlier one exactly (group size minus the kept one)."""
        return sum(len(g.members) - 1 for g in self.exact)

    @property
    def near_duplicates(self) -> int:
        return sum(len(g.members) - 1 for g in self.near)

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": self.near_duplicates,
            "exact": [g.to_dict() for g in self.exact],
            "near": [g.to_dict() for g in self.near],
        }


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The earlier document stays the root, so it is listed (and kept) first.
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


class DuplicateFinder:
    """Add documents one by one (streaming), then ask for the report.

    Memory per distinct document: one 16-byte hash and one signature of
    ``num_perm`` 32-bit values (512 bytes at the default), plus the LSH buckets.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_words: int = SHINGLE_WORDS,
        near: bool = True,
    ):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.near = near
        self._names: list[str] = []
        self._by_hash: dict[str, int] = {}
        self._exact: dict[int, list[int]] = {}
        self._signatures: dict[int, np.ndarray] = {}
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._links = _UnionFind()
        self._link_similarity: dict[int, float] = {}

    def add(self, name: str, text: str) -> None:
        index = len(self._names)
        self._names.append(name)
        normalised = normalise(text)
        digest = hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()
        first = self._by_hash.get(digest)
        if first is not None:
            self._exact.setdefault(first, [first]).append(index)
            return
        self._by_hash[digest] = index
        if self.near and normalised:
            self._add_signature(index, normalised)

    def _add_signature(self, index: int, normalised: str) -> None:
        signature = MinHash(num_perm=self.num_perm)
        signature.update_batch(list(word_shingles(normalised, self.shingle_words)))
        for candidate in self._lsh.query(signature):
            other = self._signatures[candidate]
            similarity = float(np.mean(other == signature.hashvalues))
            if similarity >= self.threshold:
                root_before = self._links.find(candidate)
                self._links.union(candidate, index)
                root = self._links.find(index)
                self._link_similarity[root] = min(
                    similarity, self._link_similarity.get(root, 1.0), self._link_similarity.get(root_before, 1.0)
                )
        self._lsh.insert(index, signature)
        self._signatures[index] = np.asarray(signature.hashvalues, dtype=np.uint32)

    def report(self) -> DuplicateReport:
        exact = [
            DuplicateGroup("exact", tuple(self._names[i] for i in members), 1.0)
            for _, members in sorted(self._exact.items())
        ]
        groups: dict[int, list[int]] = {}
        for index in self._signatures:
            groups.setdefault(self._links.find(index), []).append(index)
        near = [
            DuplicateGroup("near", tuple(self._names[i] for i in sorted(members)), self._link_similarity.get(root, 1.0))
            for root, members in sorted(groups.items())
            if len(members) > 1
        ]
        return DuplicateReport(len(self._names), exact, near)


def find_duplicates(
    items: Iterable[tuple[str, str]],
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    near: bool = True,
) -> DuplicateReport:
    """Exact and near-duplicate groups among ``(name, text)`` pairs."""
    finder = DuplicateFinder(threshold=threshold, num_perm=num_perm, near=near)
    for name, text in items:
        finder.add(name, text)
    return finder.report()
