"""Normalised name keys that decide which article speakers are the same corpus speaker.

A person named with a first and a last name gets ``person:<first> <last>[ <suffix>]``:
titles ("Gen.", "Sen.", "Mr") and middle names or initials are dropped, so
"Gen. Stephen J. Townsend" and "Stephen Townsend" share a key while "Bill Clinton" and
"Hillary Clinton" never do. A person named by one word only ("Townsend", "Mr Trump")
gets ``surname:<last>``; which full-named person (if any) that means is decided by
:mod:`saywho.store.identities` from the whole corpus. Organisations and proper-named
groups get ``org:``/``group:`` keys from their whole name without a leading "the".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Words before a name that are titles, not names (compared lower-case, without dots).
TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady madam
    gen general lt lieutenant col colonel maj major capt captain cmdr commander sgt sergeant
    adm admiral cpl corporal pvt private brig brigadier marshal
    president vice pres vp sen senator rep representative congressman congresswoman gov governor
    mayor secretary minister premier chancellor chairman chairwoman chair chief judge justice
    attorney ambassador sheriff officer detective det inspector insp supt superintendent constable
    rev reverend father fr pastor rabbi imam bishop archbishop cardinal pope
    king queen prince princess duke duchess emperor sheikh
    coach manager dep deputy prime foreign home state first former acting interim
    st saint baroness baron earl viscount
    """.split()
)

#: Descriptions news puts before a name ("Billionaire Donald Trump", "Tory Liam Fox",
#: "Neither Cruz"): dropped like titles. Seen in the BBC + PolNeAR corpus; extend when
#: ``saywho speakers`` shows a "<word> <surname>" speaker beside the real person.
LEADING_DESCRIPTIONS = frozenset(
    """
    billionaire businessman businesswoman tycoon actor actress singer star striker midfielder defender
    goalkeeper veteran rival candidate nominee hopeful frontrunner challenger incumbent boss chief
    tory tories labour conservative conservatives liberal democrat democrats republican republicans
    dem gop independent neither both ex then now new late fellow
    """.split()
)

#: Name suffixes that are part of who someone is: "Donald Trump Jr." is not "Donald Trump".
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

#: Prefixes dropped from a surname key so that "Assad" finds "Bashar al-Assad".
SURNAME_PREFIXES = ("al-", "el-")

#: Words inside a multi-word title: "Secretary of State John Kerry".
_TITLE_JOINERS = frozenset({"of", "the", "for"})

_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True, slots=True)
class NameKey:
    """The key of one name, and the surname it belongs under (persons only)."""

    key: str
    surname: str | None = None

    @property
    def full_person(self) -> bool:
        return self.key.startswith("person:")


def fold(text: str) -> str:
    """Lower-case, accents and typographic apostrophes removed: the form keys compare on."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_words(name: str) -> list[str]:
    """The words of a person's name without titles, leading descriptions, possessives or dots.

    Leading words written in lower case ("ex", "former") are descriptions, not names.
    """
    original = [w.strip("'’-") for w in _WORD.findall(name.replace("’", "'"))]
    original = [w for w in original if w]
    while len(original) > 1 and original[0][:1].islower():
        original = original[1:]
    words = [fold(w) for w in original]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    words = [w for w in words if w]
    stripped = False
    while len(words) > 1 and (
        words[0] in TITLES or words[0] in LEADING_DESCRIPTIONS or (stripped and words[0] in _TITLE_JOINERS)
    ):
        words = words[1:]
        stripped = True
    if words and words[0] in TITLES:
        return []  # a bare title ("President") names nobody in particular
    return words


def surname_of(word: str) -> str:
    for prefix in SURNAME_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix):
            return word[len(prefix) :]
    return word


def person_key(name: str) -> NameKey | None:
    words = name_words(name)
    suffix = ""
    if len(words) >= 2 and words[-1] in SUFFIXES:
        suffix = " " + words[-1]
        words = words[:-1]
    if not words or not any(c.isalpha() for c in words[-1]):
        return None
    last = words[-1]
    surname = surname_of(last)
    if len(words) == 1:
        return NameKey(f"surname:{surname}", surname)
    first = words[0]
    return NameKey(f"person:{first} {last}{suffix}", surname)


def org_key(name: str, kind: str = "organization") -> NameKey | None:
    words = list(_WORD.findall(fold(name)))
    if words and words[0] == "the":
        words = words[1:]
    if not words:
        return None
    prefix = "org" if kind == "organization" else "group"
    return NameKey(f"{prefix}:{' '.join(words)}")


#: Words that start a sentence capitalised but name no one in particular: never keys.
COMMON_SPEAKER_WORDS = frozenset(
    """
    it its they them we us he she i you who which that this these those some many most others other all both
    people officials official analysts analyst experts critics supporters opponents residents police sources
    observers campaigners protesters witnesses economists investors correspondents reporters researchers
    scientists doctors lawyers prosecutors investigators authorities organisers organizers fans voters
    members leaders workers staff spokesman spokeswoman spokesperson company firm group government
    ministers officers commentators insiders aides advisers advisors diplomats executives unions
    """.split()
)


def is_proper_name(name: str) -> bool:
    """Whether a name is a proper name ("Democrats", "FBI") rather than a description ("officials", "They")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w.lower() != "the"]
    if not words or not words[0][0].isupper():
        return False
    # Acronyms ("US", "IT") are names even when they spell a common word.
    return not all(fold(w) in COMMON_SPEAKER_WORDS and not (len(w) > 1 and w.isupper()) for w in words)


def key_for(name: str, kind: str) -> NameKey | None:
    """The key a speaker of this kind and name resolves by; None for unnamed speakers."""
    if kind == "person":
        return person_key(name)
    if kind in ("organization", "group") and is_proper_name(name):
        return org_key(name, kind)
    return None


def is_acronym_of(short: str, name: str) -> bool:
    """ "FBI" for "Federal Bureau of Investigation": the capitals of the name's words."""
    letters = re.sub(r"[^A-Za-z]", "", short)
    if not (2 <= len(letters) <= 8 and letters.isupper()):
        return False
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper())
    return initials == letters


def display_name(name: str, kind: str) -> str:
    """A speaker's name without leading titles: "Gen. Stephen Townsend" -> "Stephen Townsend"."""
    if kind != "person":
        return name.strip()
    words = name.split()
    stripped = False
    while len(words) > 1 and (
        fold(words[0]).strip(".") in TITLES or (stripped and fold(words[0]) in _TITLE_JOINERS)
    ):
        words = words[1:]
        stripped = True
    return " ".join(words)


_DESCRIPTOR_STOPWORDS = frozenset(
    "a an the of for and in on at to by from with who is was his her their its former current new top senior".split()
)


def descriptor_words(descriptors: list[str] | set[str]) -> set[str]:
    """Content words of descriptors, for comparing who a bare surname most likely is."""
    words: set[str] = set()
    for descriptor in descriptors:
        words.update(w for w in _WORD.findall(fold(descriptor)) if w not in _DESCRIPTOR_STOPWORDS and len(w) > 2)
    return words
