"""Resolving each attribution's source mention to a canonical speaker of the article.

There is no offline English coreference model, so this is a small resolver of
our own, built on spaCy's entities and parse:

* **names**: every PERSON mention is clustered by surname ("Townsend",
  "Stephen Townsend", "Gen. Townsend" are one person); the longest form is the
  canonical name. Organisations are keyed by their name less "the".
* **descriptors**: titles and roles standing before a name or in apposition
  ("coalition commander General Stephen Townsend", "Sergey Lavrov, Russia's
  foreign minister") and definite descriptions used for the same person.
* **pronouns** (he, she, they, it) go to the most recent fitting speaker, then
  the most recent fitting mention; "who" and "which" to the noun they modify.
* **definite descriptions** ("the general", "the top US commander in Iraq") go
  to the one person whose descriptors share their head noun, before or after.

What cannot be resolved stays honest: kind ``unnamed`` (or ``group`` for plural
nouns such as "officials") and the mention itself as the name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .attribution import headline_source
from .nlp import doc_text, ents_between
from .models import Attribution, Speaker, SpeakerKind

#: Titles that stand before a name. Honorifics (Mr, Ms) are dropped from names and
#: never kept as descriptors; the others are descriptors in their own right.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. miss dr dr. sir dame".split())
TITLES = frozenset(
    """general gen gen. president senator sen sen. rep rep. representative governor gov gov.
    secretary minister chancellor mayor judge justice king queen prince princess pope
    lieutenant lt lt. colonel col col. captain capt capt. admiral adm adm. sergeant sgt sgt.
    major maj maj. professor prof prof. reverend rev rev. lord lady chairman chairwoman chair
    commissioner ambassador director chief sheriff detective officer attorney speaker leader
    congressman congresswoman councilman councilwoman premier dean bishop cardinal rabbi imam""".split()
)
#: Heads of descriptions that name an organisation ("the regional transport agency").
ORGANIZATION_NOUNS = frozenset(
    """agency company firm ministry department council government committee court police office
    campaign commission board union party bank group organization organisation institute university
    newspaper network administration authority service association federation coalition army
    military navy embassy parliament senate congress house""".split()
)
#: How many earlier mentions a pronoun looks back through.
PRONOUN_LOOKBACK = 60
#: A person named this many characters after the last speaker is the likelier "he".
PRONOUN_NEW_NAME_CHARS = 400
#: A definite description ("the singer") refers back to a person named at most this far before.
DESCRIPTION_REACH_CHARS = 600
#: Nouns through which an organisation speaks: "a spokesman for X" is X speaking.
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "statement", "release"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_PLURAL = frozenset({"they", "them", "their", "we", "us"})
_NEUTER = frozenset({"it", "its"})
_RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "another", "some", "its", "his", "her", "their"})
_POSSESSIVE = re.compile(r"(?:['\u2019]s?)$")


@dataclass(slots=True)
class _Entity:
    id: str
    name: str
    kind: SpeakerKind
    descriptors: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    gender: str | None = None
    attributions: int = 0
    spoken_at: list[int] = field(default_factory=list)

    def add_descriptor(self, descriptor: str) -> None:
        descriptor = descriptor.strip(" ,.;:-\u2014\u2013")
        if descriptor and descriptor.lower() not in (d.lower() for d in self.descriptors):
            self.descriptors.append(descriptor)

    def add_alias(self, alias: str) -> None:
        alias = alias.strip()
        if alias and alias not in self.aliases:
            self.aliases.append(alias)


class _Resolver:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.entities: list[_Entity] = []
        self.people_by_surname: dict[str, list[_Entity]] = {}
        self.people_by_first_name: dict[str, list[_Entity]] = {}
        self.by_key: dict[str, _Entity] = {}
        # (position, order) keys beside their entities, for pronoun look-back in O(log n).
        self.named_timeline: _Timeline = ([], [])
        self.spoken_timeline: _Timeline = ([], [])
        self._collect_people()

    # --- people and organisations named in the article ---------------------------

    def _collect_people(self) -> None:
        persons = [e for e in self.doc.ents if e.label_ == "PERSON"]
        # Longest names first, so "Townsend" joins "Stephen Townsend".
        for ent in sorted(persons, key=lambda e: -len(_name_tokens(e))):
            self._person_for(ent)

    def _person_for(self, ent: Span) -> _Entity | None:
        tokens = _name_tokens(ent)
        if not tokens:
            return None
        name = " ".join(tokens)
        surname = tokens[-1].lower()
        candidates = self.people_by_surname.get(surname, [])
        if len(tokens) == 1:
            # A lone word may be a surname or a first name ("Hillary").
            candidates = candidates or self.people_by_first_name.get(surname, [])
        else:
            candidates = [p for p in candidates if _compatible_names(p.name, name)]
        if len(candidates) == 1:
            person = candidates[0]
            if len(name) > len(person.name):
                person.name = name
        elif len(candidates) > 1:
            return None  # two people share the surname; a bare surname can't choose
        else:
            person = self._new(name, "person")
            self.people_by_surname.setdefault(surname, []).append(person)
            if len(tokens) > 1:
                self.people_by_first_name.setdefault(tokens[0].lower(), []).append(person)
        person.add_alias(_clean_name(ent.text))
        self._named(person, ent.start_char)
        gender = _honorific_gender(ent)
        if gender and not person.gender:
            person.gender = gender
        for descriptor in _descriptors_of(ent):
            person.add_descriptor(descriptor)
        return person

    def _named(self, entity: _Entity, position: int) -> None:
        entity.positions.append(position)
        _insert(self.named_timeline, position, entity)

    def spoke(self, entity: _Entity, position: int) -> None:
        entity.spoken_at.append(position)
        _insert(self.spoken_timeline, position, entity)

    def _people(self) -> list[_Entity]:
        return [e for e in self.entities if e.kind == "person"]

    def _new(self, name: str, kind: SpeakerKind) -> _Entity:
        entity = _Entity(id="", name=name, kind=kind)
        self.entities.append(entity)
        return entity

    def _organization(self, span: Span) -> _Entity:
        name = _strip_determiner(span.text)
        key = name.lower()
        if key not in self.by_key:
            kind: SpeakerKind = "group" if span.label_ == "NORP" else "organization"
            self.by_key[key] = self._new(name, kind)
        entity = self.by_key[key]
        entity.add_alias(name)
        self._named(entity, span.start_char)
        return entity

    # --- mentions ---------------------------------------------------------------

    def resolve_mention(self, start: int, end: int) -> tuple[_Entity, str | None]:
        """The entity a source phrase refers to, and a descriptor the phrase adds."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return self._unnamed(doc_text(self.doc)[start:end]), None
        root = span.root
        if root.lower_ in _RELATIVE and root.dep_ in ("nsubj", "nsubjpass"):
            antecedent = _relative_antecedent(root)
            if antecedent is not None:
                phrase = _noun_phrase(antecedent)
                return self.resolve_mention(phrase[0], phrase[1])
        if root.pos_ == "PRON" or root.lower_ in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return self._pronoun(root), None
        entity_here = ents_between(self.doc, start, end)
        person = self._named_person(span, entity_here) or self._known_surname(root)
        if person is not None:
            return person, None
        organization = next((e for e in entity_here if e.label_ in _ORG_LABELS and root in e), None)
        if organization is not None:
            return self._organization(organization), None
        if root.pos_ == "PROPN":
            return self._organization(span), None
        return self._description(span, entity_here)

    def _named_person(self, span: Span, entities: list[Span]) -> _Entity | None:
        root = span.root
        for ent in entities:
            if ent.label_ == "PERSON" and (root in ent or root.head in ent or any(t.head == root for t in ent)):
                return self._person_for(ent)
        return None

    def _known_surname(self, root: Token) -> _Entity | None:
        """spaCy's small model sometimes misses or mislabels a surname ("Townsend said")."""
        if not root.text[:1].isupper():
            return None
        found = self.people_by_surname.get(_POSSESSIVE.sub("", root.text.strip(".,")).lower(), [])
        if len(found) != 1:
            return None
        found[0].add_alias(root.text)
        self._named(found[0], root.idx)
        return found[0]

    def _pronoun(self, pronoun: Token) -> _Entity:
        word = pronoun.lower_
        position = pronoun.idx
        wanted: tuple[SpeakerKind, ...]
        if word in _PLURAL:
            wanted = ("group", "organization")
        elif word in _NEUTER:
            wanted = ("organization",)
        else:
            wanted = ("person", "unnamed")
        gender = "m" if word in _MALE else "f" if word in _FEMALE else None

        def fits(entity: _Entity) -> bool:
            return entity.kind in wanted and (gender is None or entity.gender in (None, gender))

        # Who spoke last is the likeliest "he said"; whoever was named last wins only if
        # that was well after (a new person introduced since the last quote).
        spoken = _latest(self.spoken_timeline, position, fits)
        named = _latest(self.named_timeline, position, fits)
        if spoken and named and named[0] > spoken[0] + PRONOUN_NEW_NAME_CHARS:
            return named[1]
        if spoken or named:
            return (spoken or named)[1]  # type: ignore[index]
        return self._unnamed(pronoun.text)

    def _description(self, span: Span, entities: list[Span]) -> tuple[_Entity, str | None]:
        """"the general", "the top US commander in Iraq", "a spokesman for Amnesty", "officials"."""
        root = span.root
        head = root.lemma_.lower()
        phrase = _strip_determiner(span.text)
        # "a spokesman for X": the organisation speaks through its spokesperson.
        if head in SPOKESPEOPLE:
            for ent in entities:
                preposition = ent.root.head
                if ent.label_ in _ORG_LABELS and preposition.dep_ == "prep" and preposition.lower_ in ("for", "of", "at") and preposition.head == root:
                    return self._organization(ent), root.text
        if root.tag_ in ("NNS", "NNPS"):
            return self._group(phrase), None
        if head in ORGANIZATION_NOUNS and not definite_match_needed(span):
            return self._named_description(phrase, "organization"), None
        definite = span[0].lower_ in ("the", "this", "that")
        if definite:
            match = self._by_descriptor(head, root.idx)
            if match is not None:
                return match, phrase
            same = [e for e in self.entities if e.kind == "unnamed" and e.name.split()[-1:] == [root.text]]
            if same:
                return same[-1], None
            # "the pop star said": a definite description, like a pronoun, most often means
            # the person just named; beyond a short distance we don't guess.
            if head not in ORGANIZATION_NOUNS:
                recent = _latest(self.named_timeline, root.idx, lambda e: e.kind == "person")
                if recent is not None and root.idx - recent[0] <= DESCRIPTION_REACH_CHARS:
                    return recent[1], phrase
        return self._unnamed(phrase), None

    def _by_descriptor(self, head: str, position: int) -> _Entity | None:
        fitting = [
            e
            for e in self.entities
            if e.kind in ("person", "organization")
            and any(head in (w.lower() for w in re.findall(r"\w+", d)) for d in e.descriptors)
        ]
        if head in ("company", "firm", "group", "organization", "organisation", "agency", "department", "ministry"):
            fitting += [e for e in self.entities if e.kind == "organization" and e not in fitting]
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            before = [(max((p for p in e.positions if p < position), default=-1), e) for e in fitting]
            best = max(before, key=lambda pe: pe[0])
            if best[0] >= 0:
                return best[1]
        return None

    def _named_description(self, phrase: str, kind: SpeakerKind) -> _Entity:
        key = f"{kind}:" + phrase.lower()
        if key not in self.by_key:
            self.by_key[key] = self._new(phrase, kind)
        return self.by_key[key]

    def _group(self, phrase: str) -> _Entity:
        key = "group:" + phrase.lower()
        if key not in self.by_key:
            self.by_key[key] = self._new(phrase, "group")
        return self.by_key[key]

    def _unnamed(self, phrase: str) -> _Entity:
        return self._new(_strip_determiner(phrase) or phrase, "unnamed")


def resolve(doc: Doc, attributions: list[Attribution]) -> list[Speaker]:
    """Set ``speaker`` on each attribution; return the article's speakers, most quoted first."""
    resolver = _Resolver(doc)
    for attribution in sorted(attributions, key=lambda a: a.cue.start if a.cue else a.content.start):
        if attribution.headline or attribution.source is None:
            continue
        entity, descriptor = resolver.resolve_mention(attribution.source.start, attribution.source.end)
        if descriptor:
            entity.add_descriptor(descriptor)
        entity.add_alias(attribution.source.text) if entity.kind != "person" else None
        entity.attributions += 1
        resolver.spoke(entity, attribution.source.start)
        attribution.speaker = entity  # type: ignore[assignment]  # replaced by a SpeakerRef below
    for attribution in attributions:
        if attribution.headline:
            origin = headline_source(attribution, attributions, doc_text(doc))
            if origin is not None and origin.speaker is not None:
                attribution.speaker = origin.speaker  # a repeat of a body quote: not counted again
    speakers = [e for e in resolver.entities if e.attributions]
    speakers.sort(key=lambda e: (-e.attributions, min(e.spoken_at or [0])))
    records: dict[int, Speaker] = {}
    for number, entity in enumerate(speakers, 1):
        entity.id = f"s{number}"
        records[id(entity)] = Speaker(
            id=entity.id,
            name=entity.name,
            kind=entity.kind,
            descriptors=_without_redundant(entity.descriptors),
            aliases=list(entity.aliases),
            attributions=entity.attributions,
        )
    for attribution in attributions:
        entity = attribution.speaker
        if entity is not None:
            attribution.speaker = records[id(entity)].ref()
    return list(records.values())


_Timeline = tuple[list[tuple[int, int]], list["_Entity"]]


def _insert(timeline: _Timeline, position: int, entity: _Entity) -> None:
    keys, entities = timeline
    key = (position, len(keys))
    at = bisect.bisect_right(keys, key)
    keys.insert(at, key)
    entities.insert(at, entity)


def _latest(timeline: _Timeline, position: int, fits) -> tuple[int, _Entity] | None:
    """The last fitting entity mentioned before ``position`` (looking back a bounded way)."""
    keys, entities = timeline
    at = bisect.bisect_left(keys, (position, -1))
    for index in range(at - 1, max(-1, at - 1 - PRONOUN_LOOKBACK), -1):
        if fits(entities[index]):
            return keys[index][0], entities[index]
    return None


# --- helpers ---------------------------------------------------------------------


def definite_match_needed(span: Span) -> bool:
    """"the company" may point back to a named organisation; "the regional transport agency" is itself a name."""
    return span[0].lower_ in ("the", "this", "that") and len([t for t in span if not t.is_punct]) <= 2


def _name_tokens(ent: Span) -> list[str]:
    words = [t.text for t in ent if (not t.is_punct or t.text == "-") and t.pos_ != "PRON"]  # "Trump himself"
    while words and _is_title(words[0]):
        words = words[1:]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    return [w for w in words if w]


_BARE_TITLES = frozenset(t.rstrip(".") for t in TITLES | HONORIFICS)


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in _BARE_TITLES


def _clean_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip())


def _compatible_names(known: str, new: str) -> bool:
    """"Stephen Townsend" ~ "Gen. Stephen Townsend"; "Bill Clinton" !~ "Hillary Clinton"."""
    a, b = known.lower().split(), new.lower().split()
    if a[-1] != b[-1]:
        return False
    first_a, first_b = a[0] if len(a) > 1 else None, b[0] if len(b) > 1 else None
    return first_a is None or first_b is None or first_a == first_b or first_a.startswith(first_b.rstrip(".")) or first_b.startswith(first_a.rstrip("."))


def _honorific_gender(ent: Span) -> str | None:
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    words = {before, ent[0].lower_}
    if words & {"mr", "mr."}:
        return "m"
    if words & {"mrs", "mrs.", "ms", "ms.", "miss"}:
        return "f"
    return None


def _descriptors_of(ent: Span) -> list[str]:
    """Roles written around a name: "coalition commander General X", "X, Russia's foreign minister"."""
    doc = ent.doc
    out: list[str] = []
    # Left modifiers inside the same noun phrase.
    i = ent.start
    while (
        i > 0
        and (doc[i - 1].dep_ in ("compound", "amod", "nmod") or doc[i - 1].tag_ == "HYPH")  # "front-runner"
        and i <= doc[i - 1].head.i < ent.end
        and doc[i - 1].ent_type_ in ("", "NORP", "GPE", "ORG")
    ):
        i -= 1
    while i < ent.start and doc[i].tag_ == "HYPH":
        i += 1
    words = [t for t in doc[i : ent.start] if t.lower_ not in HONORIFICS]
    out.extend(_split_titles(words))
    # Honorific-free titles inside the entity itself ("General Stephen Townsend" tagged whole).
    if _is_title(ent[0].text) and ent[0].lower_.rstrip(".") not in {h.rstrip(".") for h in HONORIFICS}:
        out.append(_expand_abbreviation(ent[0].text))
    # An appositive: "X, a former adviser to Y,".
    for child in ent.root.children:
        if child.dep_ == "appos" and child.i > ent.root.i and child.pos_ != "PRON":
            phrase = doc[child.left_edge.i : child.right_edge.i + 1]
            if len(phrase) <= 12:
                out.append(_strip_determiner(phrase.text))
    return [d for d in out if d]


def _split_titles(words: list[Token]) -> list[str]:
    """"coalition commander General" -> ["coalition commander", "General"]; "Russian Foreign Minister" stays one."""
    if not words:
        return []
    parts: list[list[Token]] = [[]]
    for index, token in enumerate(words):
        is_title = _is_title(token.text)
        previous = words[index - 1] if index else None
        if is_title and token.text[:1].isupper() and previous is not None and previous.tag_ in ("NN", "NNS") and previous.text.islower():
            parts.append([])
        parts[-1].append(token)
    # A descriptor names a role: it needs a noun ("ubiquitous" alone is not one).
    return [
        _expand_abbreviation(part[0].text) if len(part) == 1 else "".join(t.text_with_ws for t in part).strip()
        for part in parts
        if part and any(t.pos_ in ("NOUN", "PROPN") for t in part)
    ]


def _expand_abbreviation(word: str) -> str:
    return {"Gen.": "General", "Sen.": "Senator", "Rep.": "Representative", "Gov.": "Governor", "Lt.": "Lieutenant", "Col.": "Colonel", "Capt.": "Captain", "Adm.": "Admiral", "Sgt.": "Sergeant", "Prof.": "Professor", "Rev.": "Reverend"}.get(word, word)


def _relative_antecedent(pronoun: Token) -> Token | None:
    clause = pronoun.head
    if clause.dep_ == "relcl":
        return clause.head
    return None


def _noun_phrase(token: Token) -> tuple[int, int]:
    """The noun phrase of ``token`` without its relative clauses."""
    left = token.left_edge.idx
    right_tokens = [t for t in token.subtree if t.i <= token.i or not any(a.dep_ == "relcl" for a in [t, *t.ancestors] if a.i > token.i)]
    end = max(t.idx + len(t) for t in right_tokens if t.i >= token.i and t.dep_ != "punct") if right_tokens else token.idx + len(token)
    return left, max(end, token.idx + len(token))


def _strip_determiner(text: str) -> str:
    words = text.strip().split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return _clean_name(" ".join(words))


def _without_redundant(descriptors: list[str]) -> list[str]:
    """Drop a descriptor whose words all appear in another ("US commander" beside "top US commander in Iraq")."""
    words = [set(re.findall(r"\w+", d.lower())) for d in descriptors]
    kept = []
    for index, descriptor in enumerate(descriptors):
        if any(index != other and words[index] <= words[other] and (words[index] != words[other] or other < index) for other in range(len(descriptors))):
            continue
        kept.append(descriptor)
    return kept
