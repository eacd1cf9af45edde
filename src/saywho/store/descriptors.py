"""Descriptors as a reader sees them on a speaker's page: one line per role, whatever its
case, and none of the parser's stray fragments.

The parser keeps every role written around a name ("coalition commander", "Russia's
foreign minister"); across thousands of articles the same role comes in several cases
("Foreign Minister", "foreign minister"), and a few parses leave a fragment: the part
of a hyphenated word before the name ("Tory co" from "Tory co-chairman X" when the
entity starts at "chairman") or a lone common noun ("bill"). Cleaning happens when
descriptors are shown, so stored mentions keep what the parser found (speaker
resolution compares descriptor words and needs them as they were).

>>> clean([("Foreign Minister", 3), ("foreign minister", 2), ("Tory co", 1), ("bill", 4), ("co-founder", 1)])
[('Foreign Minister', 5), ('co-founder', 1)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources

#: The first part of a hyphenated word ("co-chairman", "ex-minister"): a descriptor that
#: ends in one lost the rest of its word, and says nothing on its own.
HYPHEN_PREFIXES = frozenset("co ex non pre post anti pro self semi vice mid multi inter cross".split())

_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


@functools.cache
def role_nouns() -> frozenset[str]:
    """The role lexicon (data/roles.txt), lower-case."""
    text = resources.files("saywho.data").joinpath("roles.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_shown(descriptor: str) -> bool:
    """Whether a descriptor says something about who someone is.

    >>> [is_shown(d) for d in ("Tory co", "ex", "bill", "spokesman", "co-founder", "Republican", "former US envoy")]
    [False, False, False, True, True, True, True]
    >>> is_shown("(@realDonaldTrump")  # a handle or a bracket's remains is not a role
    False
    """
    words = _WORD.findall(descriptor)
    if not words or descriptor.rstrip().endswith("-") or not descriptor.lstrip()[:1].isalnum():
        return False
    if words[-1].lower() in HYPHEN_PREFIXES:
        return False
    if len(words) == 1 and descriptor[:1].islower():
        # A lone lower-case word is a role only if the lexicon knows it (or its last part:
        # "co-founder", "vice-president"); a capitalised one is a title or an affiliation
        # ("General", "Republican"), which the parser only keeps from before a name.
        return words[0].lower().rsplit("-", 1)[-1] in role_nouns()
    return True


def clean(descriptors: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Descriptors with mention counts, deduplicated case-insensitively (the counts added up,
    shown in their most frequent spelling) and without fragments; most mentioned first."""
    totals: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for descriptor, mentions in descriptors:
        descriptor = " ".join(descriptor.split())
        if not is_shown(descriptor):
            continue
        key = descriptor.casefold()
        totals[key] = totals.get(key, 0) + mentions
        forms = spellings.setdefault(key, {})
        forms[descriptor] = forms.get(descriptor, 0) + mentions
    # The most used spelling; on a tie the one with capitals ("Foreign Minister"), then the first.
    shown = {key: max(forms, key=lambda form: (forms[form], form != form.lower())) for key, forms in spellings.items()}
    return sorted(((shown[key], n) for key, n in totals.items()), key=lambda item: (-item[1], item[0].casefold()))
