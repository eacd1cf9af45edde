"""Resolving each attribution's source mention to a canonical speaker of the article.

There is no offline English coreference model, so this is a resolver of our own,
built on spaCy's entities and parse and on how news prose refers to people:

* **names**: PERSON mentions, and capitalised words after an honorific ("Mr
  Davies", which the small model often calls an organisation), are clustered by
  surname; the longest form is the canonical name. A word the model labels a
  person once and an organisation elsewhere is settled by the article's majority
  and by honorifics. Organisations are keyed by their name less "the"; an
  acronym the article spells out ("the Chartered Institute of Purchasing and
  Supply (CIPS)", or simply initials that fit a named body) takes the full name,
  and a small curated table (``data/aliases.tsv``) knows the common short forms
  that need world knowledge ("the Tories").
* **pronouns** ("he", "she", "it", "they") follow the centre of attention: the
  subject of the nearest sentence before them (outside quotation marks) that
  fits, which in news is the last speaker or the person the text has just moved
  on to; a person merely mentioned (the one criticised, a name inside a quote)
  does not take over.
* **titles and descriptions** ("the chancellor", "the Scot", "the committee")
  go to the person or organisation whose descriptors share their head noun, to a
  longer name the article gives the same noun ("the Commons science and
  technology committee"), and otherwise to the centre of attention of the right
  kind; a description in the lead that the article names only later ("a security
  firm has warned") to that later name.
* **documents speak for their issuer**: "the report", "the survey", "tests" go to
  the organisation or person named as their author ("Oxfam's report", "a survey
  by X"), else to the organisation the article quotes most.
* **spokespeople** are individuals never named (kind ``unnamed``): "a spokesman for
  X" keeps X as a descriptor; coordinations ("Labour and the Tories") and plurals
  are groups named by the whole phrase.

What cannot be resolved stays honest: kind ``unnamed`` (or ``group``) and a
clean description as the name (no relative clauses or appositions).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from spacy.tokens import Doc, Span, Token

from saywho.models import Attribution, Speaker, SpeakerKind
from saywho.nlp.model import doc_text, entity_of
from saywho.nlp.rules import headline_source, is_hyphen_part

#: Titles that stand before a name. Honorifics (Mr, Ms) are dropped from names and
#: never kept as descriptors; the others are descriptors in their own right.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady".split())
TITLES = frozenset(
    """general gen gen. president senator sen sen. rep rep. representative governor gov gov.
    secretary minister chancellor mayor judge justice king queen prince princess pope
    lieutenant lt lt. colonel col col. captain capt capt. admiral adm adm. sergeant sgt sgt.
    major maj maj. professor prof prof. reverend rev rev. chairman chairwoman chair
    commissioner ambassador director chief sheriff detective officer attorney speaker leader
    congressman congresswoman councilman councilwoman premier dean bishop cardinal rabbi imam
    referee coach manager boss striker midfielder defender goalkeeper captain skipper
    singer actor actress star rapper guitarist drummer producer director presenter
    chief executive spokesman spokeswoman analyst economist""".split()
)
#: Heads of descriptions that name an organisation ("the regional transport agency").
ORGANIZATION_NOUNS = frozenset(
    """agency company firm ministry department council government committee court police office
    campaign commission board union party bank group organization organisation institute university
    newspaper network administration authority service association federation coalition army
    military navy embassy parliament senate congress house think-tank tank watchdog regulator
    exchange bourse charity body club team side operator maker manufacturer retailer airline carrier
    broadcaster channel station publisher magazine paper label studio giant industry executive
    corporation business chain store website site trust foundation fund forum""".split()
)
#: Documents speak for whoever issued them.
DOCUMENT_NOUNS = frozenset(
    """report study survey poll research analysis findings figures statistics data test tests paper
    letter statement advert adverts advertisement minutes documentary film programme review index
    forecast outlook document dossier memo book article release survey audit inquiry investigation
    estimate estimates projections results""".split()
)
#: Nouns for several people acting as one: "the panel" is "a panel of experts", a group.
GROUP_NOUNS = frozenset("panel jury family couple duo trio delegation".split())
#: Reports in the plural without an author are the media at large ("reports said").
MEDIA_NOUNS = frozenset("report reports rumour rumours".split())
#: Nouns through which an organisation speaks without a name: "a spokesman for X".
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "source", "insider", "official"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_PLURAL = frozenset({"they", "them", "their", "we", "us"})
_NEUTER = frozenset({"it", "its"})
_PERSONAL = _MALE | _FEMALE | _PLURAL | _NEUTER | frozenset({"i", "me", "my", "you", "one"})
_RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "another", "some", "its", "his", "her", "their"})
_POSSESSIVE = re.compile(r"\s*['\u2019]s?$")
#: Words that end a would-be name: pronouns, determiners, verbs of the clause around it.
_NOT_IN_NAMES = frozenset("its his her their our my your this that these those which who in on at to by with from is was has had said says".split())
#: Adjectives that pick one role out of several ("the prime minister" is not "the foreign minister");
#: others ("former", "top", "senior") describe the holder and need not match.
_DEFINING = frozenset("prime foreign home first deputy shadow chief general junior financial economic".split())
#: Bodies a country or city may stand for: "the government" can be "China"; "the company" cannot.
_PLACE_BODIES = frozenset("government administration authority authorities council executive ministry country state nation city".split())
_QUANTIFIERS = frozenset("some many most several few other".split())
_DOUBLE_QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb"
_ACRONYM_STOP = frozenset({"of", "for", "and", "the", "&", "de", "du", "des", "on", "in", "to"})


@dataclass(frozen=True, slots=True)
class SpeakerConfig:
    """The resolver's distances, tuned on data and loaded from ``data/speakers.json``
    (``scripts/speakers_loco.py`` measures them category by category; figures in
    docs/speakers.md). Pass another to :func:`resolve` to try one; nothing changes these at run time."""

    #: How many sentences back a pronoun or description looks for its antecedent.
    lookback_sentences: int
    #: Sentences (the headline counted) in which a description may stand for a name given later.
    lead_sentences: int
    #: How far after a description in the lead the name it stands for may come (characters).
    forward_reach_chars: int

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> SpeakerConfig:
        data = json.loads(resources.files("saywho").joinpath("data/speakers.json").read_text(encoding="utf-8"))
        return cls(**{f: data[f] for f in ("lookback_sentences", "lead_sentences", "forward_reach_chars")})


@functools.lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, SpeakerKind]]:
    """The curated short forms: lower-cased alias -> (canonical name, kind)."""
    table: dict[str, tuple[str, SpeakerKind]] = {}
    text = resources.files("saywho").joinpath("data/aliases.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, canonical, kind = line.split("\t")
        table[alias.lower()] = (canonical, kind)  # type: ignore[assignment]
    return table


@dataclass(slots=True)
class _Entity(Speaker):
    """A speaker while the article is read: where it is named and spoken, and what a pronoun may
    know of it."""

    positions: list[int] = field(default_factory=list)
    gender: str | None = None
    spoken_at: list[int] = field(default_factory=list)
    #: Named by a noun ("a spokesman"), not by a pronoun or a stray word: a "he" may refer to it.
    described: bool = False
    #: A country or city (spaCy's GPE): it speaks for its government when named as the speaker,
    #: but "the company", "the report" or "it" do not mean it unless it has spoken.
    place: bool = False

    def add_descriptor(self, descriptor: str) -> None:
        descriptor = descriptor.strip(" ,.;:-\u2014\u2013")
        if descriptor and descriptor.lower() not in (d.lower() for d in self.descriptors):
            self.descriptors.append(descriptor)

    def add_alias(self, alias: str) -> None:
        # Whitespace as one space ("Donald\xa0Trump" is "Donald Trump"); a pronoun names no one.
        alias = " ".join(alias.split())
        if alias.lower() in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return
        if alias and alias not in self.aliases:
            self.aliases.append(alias)

    def descriptor_words(self) -> set[str]:
        return {w.lower() for d in self.descriptors for w in re.findall(r"[\w-]+", d)}


class _Resolver:
    def __init__(self, doc: Doc, config: SpeakerConfig):
        self.doc = doc
        self.config = config
        self.text = doc_text(doc)
        self.entities: list[_Entity] = []
        self.people_by_surname: dict[str, list[_Entity]] = {}
        self.people_by_first_name: dict[str, list[_Entity]] = {}
        self.by_key: dict[str, _Entity] = {}
        #: Token index -> entity, for mentions already resolved (names, sources).
        self.at_token: dict[int, _Entity] = {}
        self.quoted = _quoted_tokens(doc)
        self.acronyms = _acronyms(doc, self.text)
        #: Documents met so far, as (head noun, issuer): "the report" is the last report's issuer's.
        self.documents: list[tuple[str, _Entity]] = []
        self.org_votes = _label_votes(doc)
        #: Lead descriptions and documents resolved once every named speaker is known.
        self.pending: list[tuple[_Entity, Span, str]] = []
        #: Where the lead ends: the headline and the first sentences, where news names people only later.
        self.lead_end = _lead_end(doc, config.lead_sentences)
        self._collect_people()
        self._collect_organizations()

    # --- people and organisations named in the article ---------------------------

    def _collect_people(self) -> None:
        mentions = [
            e
            for e in self.doc.ents
            if e.label_ == "PERSON"
            and self._is_person_name(e)
            and not (e.start > 0 and self.doc[e.start - 1].lower_ in ("the", "a", "an"))
            and not _employer(e)
        ]
        mentions += _honorific_names(self.doc)
        seen: set[tuple[int, int]] = set()
        # Longest names first, so "Townsend" joins "Stephen Townsend".
        for span in sorted(mentions, key=lambda e: (-len(_name_tokens(e)), e.start)):
            if (span.start, span.end) in seen:
                continue
            seen.add((span.start, span.end))
            self._person_for(span)
        for person in [e for e in self.entities if e.kind == "person" and len(e.name.split()) == 1]:
            fuller = _first_name_before(self.doc, person.name)
            if fuller is not None:
                person.name = fuller
            elif person.gender is None and any(d.split()[-1].lower() in ORGANIZATION_NOUNS for d in person.descriptors):
                person.kind = "organization"  # "Russian oil giant Yukos": the model's person is a company

    def _is_person_name(self, ent: Span) -> bool:
        """The small model calls some companies people ("Sandvine said"); a one-word name that
        the article also labels an organisation, and never gives a first name or an honorific, is one."""
        words = _name_tokens(ent)
        if len(words) != 1:
            return True
        key = words[0].lower()
        votes = self.org_votes.get(key, Counter())
        return votes["PERSON"] > votes["ORG"] or _honorific_before(ent) is not None

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
            if len(tokens) > len(person.name.split()):
                person.name = name
        elif len(candidates) > 1:
            return None  # two people share the surname; a bare surname can't choose
        else:
            person = self._new(name, "person")
            self.people_by_surname.setdefault(surname, []).append(person)
            if len(tokens) > 1:
                self.people_by_first_name.setdefault(tokens[0].lower(), []).append(person)
        person.add_alias(_clean_name(ent.text))
        self._named(person, ent)
        gender = _honorific_gender(ent)
        if gender and not person.gender:
            person.gender = gender
        for descriptor in _descriptors_of(ent):
            person.add_descriptor(descriptor)
        return person

    def _collect_organizations(self) -> None:
        for ent in self.doc.ents:
            longer = _run_on(ent)
            if longer is not None and not any(t.i in self.at_token for t in longer if t.i >= ent.end):
                for token in ent:
                    self.at_token.pop(token.i, None)
                self._organization(longer)
                continue
            if (
                (ent.label_ in ("ORG", "GPE") or (ent.label_ == "PERSON" and _employer(ent)))
                and not any(t.i in self.at_token for t in ent)
                and self._surname_person(ent) is None
            ):
                self._organization(ent)

    def _named(self, entity: _Entity, span: Span) -> None:
        entity.positions.append(span.start_char)
        for token in span:
            self.at_token[token.i] = entity

    def spoke(self, entity: _Entity, position: int) -> None:
        entity.spoken_at.append(position)

    def _new(self, name: str, kind: SpeakerKind) -> _Entity:
        entity = _Entity(id="", name=name, kind=kind)
        self.entities.append(entity)
        return entity

    def _organization(self, span: Span, name: str | None = None) -> _Entity:
        name = name or _org_name(span)
        key = name.lower()
        canonical, kind = self._canonical_org(name, span.label_ if isinstance(span, Span) else "")
        ckey = canonical.lower()
        entity = self.by_key.get(ckey) or self.by_key.get(key)
        if entity is None:
            entity = self._new(canonical, kind)
        self.by_key[ckey] = self.by_key[key] = entity
        if len(canonical) > len(entity.name) and canonical.lower().startswith(entity.name.lower()):
            entity.name = canonical
        entity.add_alias(name)
        self._named(entity, span)
        if isinstance(span, Span) and span.label_ == "GPE" and entity.positions == [span.start_char]:
            entity.place = True
        return entity

    def _canonical_org(self, name: str, label: str) -> tuple[str, SpeakerKind]:
        key = name.lower()
        if key in self.acronyms:
            return self.acronyms[key], "organization"
        known = aliases().get(key)
        if known is not None:
            return known
        if name.endswith("s") and name[:-1].isupper() and len(name) > 2:
            return name, "group"  # "MPs", "MEPs": members, not a body
        if label == "NORP" and name.endswith("s") and not name.isupper():
            return name, "group"
        return name, "organization"

    def _surname_person(self, span: Span) -> _Entity | None:
        """A name the model labelled an organisation that is a known person's surname ("Silvas said",
        "El Guerrouj" of "Hicham El Guerrouj")."""
        words = _name_tokens(span)
        if not words or len(words) > 2:
            return None
        wanted = [w.lower() for w in words]

        def same(person: _Entity) -> bool:
            known = person.name.lower().split()
            return known[-len(wanted) :] == wanted or (wanted[-len(known) :] == known and _first_name_like(span))

        found = [p for p in self.people_by_surname.get(wanted[-1], []) if same(p)]
        if len(found) == 1 and len(words) > len(found[0].name.split()):
            found[0].name = " ".join(words)
        if len(found) != 1:
            return None
        self._named(found[0], span)
        found[0].add_alias(span.text)
        return found[0]

    # --- mentions ---------------------------------------------------------------

    def resolve_source(self, start: int, end: int) -> tuple[_Entity, str | None]:
        """The entity a source phrase refers to, and a descriptor the phrase adds."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return self._unnamed(self.text[start:end]), None
        entity, descriptor = self.resolve_phrase(span)
        self.at_token.setdefault(span.root.i, entity)
        return entity, descriptor

    def resolve_phrase(self, span: Span, deferred_ok: bool = True) -> tuple[_Entity, str | None]:
        root = span.root
        if root.lower_ in _RELATIVE and root.dep_ in ("nsubj", "nsubjpass"):
            antecedent = _relative_antecedent(root)
            if antecedent is not None:
                return self.resolve_phrase(_noun_phrase(antecedent))
        if root.pos_ in ("VERB", "AUX"):
            # A source span that took in a clause ("which is made up of 25 members ...",
            # "Don was head of the referees"): the clause's subject is who speaks.
            subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and span.start <= c.i < span.end), None)
            if subject is None:
                # "Will Davies, ...": the model took "Will" for an auxiliary; the noun beside it heads the phrase.
                subject = next((t for t in span if t.pos_ in ("NOUN", "PROPN") and not span.start <= t.head.i < span.end), None)
            if subject is not None:
                return self.resolve_phrase(self.doc[max(span.start, subject.left_edge.i) : subject.i + 1])
        if root.lower_ in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return self._pronoun(root), None
        if root.pos_ == "PRON" and root.lower_ not in ("one",):
            return self._unnamed(span.text), None
        conjuncts = [c for c in root.children if c.dep_ == "conj" and c.i < span.end and not (root.ent_iob_ != "O" and _same_entity(root, c))]
        if conjuncts:
            return self._coordination(span, root, conjuncts), None
        # "the Scot", "the Dutchman": a name does not take "the"; this describes someone.
        demonym = span[0].lower_ == "the" and root.ent_type_ in ("NORP", "PERSON") and len(span) == 2
        alias = aliases().get(_strip_determiner(span.text).lower())
        if alias is not None:
            return self._organization(span, _strip_determiner(span.text)), None
        named = None if demonym else self._named_in(span)
        if named is not None:
            return named, None
        return self._description(span, deferred_ok)

    def _named_in(self, span: Span) -> _Entity | None:
        """The person or organisation the phrase's head names (not one it merely mentions)."""
        root = span.root
        # A proper name's compounds are part of it ("Mr Davies"); a common noun's are not who speaks
        # ("the top US commander" is not the US).
        head_tokens = [root]
        if root.pos_ == "PROPN":
            head_tokens += [t for t in root.children if t.dep_ in ("compound", "flat") and t.i < root.i]
        # "its chairman, Sir Anthony Greener": the name in apposition is who speaks.
        head_tokens += [t for t in root.children if t.dep_ == "appos" and t.i > root.i and t.i < span.end]
        if root.pos_ == "NOUN" and root.lower_ in ORGANIZATION_NOUNS:
            places = [t for t in root.children if t.dep_ in ("compound", "amod") and t.ent_type_ in ("GPE", "NORP")]
            if places:
                # "the US government", "the Scottish Executive": the body, named with its place.
                left = min(t.left_edge.i for t in places)
                return self._named_description(_org_name(self.doc[left : root.i + 1]), "organization")
        for token in head_tokens:
            entity = self.at_token.get(token.i)
            if entity is not None and entity.kind in ("person", "organization", "group"):
                return entity
        # A known surname the model did not label a person here ("Townsend said").
        if root.text[:1].isupper() and root.i not in self.at_token:
            found = self._surname_person(span[root.i - span.start : root.i - span.start + 1])
            if found is not None:
                return found
        ent = entity_of(root)
        if ent is not None and ent.label_ in _ORG_LABELS:
            return self._organization(ent)
        if ent is not None and ent.label_ == "PERSON":
            return self._person_for(ent)
        acronym = root.text.isupper() and root.text.isalpha() and len(root.text) >= 2  # "The CIPS", tagged a plural noun
        name_words = [t for t in span if t.lower_ not in _DETERMINERS and not t.is_punct]
        capitalised = len(name_words) >= 2 and all(t.text[:1].isupper() for t in name_words)  # "PC Pro", no entity
        if (root.pos_ == "PROPN" or acronym or capitalised) and root.text[:1].isupper() and root.lower_ not in DOCUMENT_NOUNS:
            proper = [t for t in span if t.i <= root.i and t.i >= root.left_edge.i and t.pos_ in ("PROPN", "ADP", "CCONJ", "DET")]
            phrase = self.doc[proper[0].i : root.i + 1] if proper else span
            return self._organization(phrase, _org_name(phrase))
        return None

    def _pronoun(self, pronoun: Token) -> _Entity:
        word = pronoun.lower_
        if word in _PLURAL:
            wanted: tuple[SpeakerKind, ...] = ("group", "organization")
        elif word in _NEUTER:
            wanted = ("organization",)
        else:
            wanted = ("person", "unnamed")
        gender = "m" if word in _MALE else "f" if word in _FEMALE else None

        def fits(entity: _Entity) -> bool:
            if entity.kind == "unnamed" and not (entity.spoken_at and entity.described):
                return False
            if entity.place and not entity.spoken_at:
                return False
            return entity.kind in wanted and (gender is None or entity.gender in (None, gender))

        found = self._centre(pronoun, fits)
        if found is None:
            return self._unnamed(pronoun.text)
        return found

    def _centre(self, token: Token, fits) -> _Entity | None:
        """The centre of attention before ``token``: the subject of the nearest sentence
        (this one first, then back) that fits; else the nearest fitting mention."""
        found = self._centres(token, fits)
        return found[0] if found else None

    def _centres(self, token: Token, fits) -> list[_Entity]:
        """Fitting candidates for what ``token`` refers to, likeliest first: subjects of this
        sentence and the ones before it, then any mention before, nearest first."""
        out: list[_Entity] = []
        sentence = token.sent
        current = sentence
        for _ in range(self.config.lookback_sentences):
            for entity in self._subjects(current, before=token.i if current == sentence else None):
                if fits(entity) and entity not in out:
                    out.append(entity)
            if current.start == 0:
                break
            current = self.doc[current.start - 1].sent
        for index in range(token.i - 1, max(-1, token.i - 400), -1):
            near = self.at_token.get(index)
            if near is not None and index not in self.quoted and fits(near) and near not in out:
                out.append(near)
        return out

    def _in_lead(self, span: Span) -> bool:
        return span.start < self.lead_end

    def _last_speaker(self, token: Token, kind: SpeakerKind) -> _Entity | None:
        """Who was quoted last before ``token``, within the last few sentences."""
        reach = token.sent.start
        for _ in range(self.config.lookback_sentences):
            if reach == 0:
                break
            reach = self.doc[reach - 1].sent.start
        floor = self.doc[reach].idx
        best: tuple[int, _Entity] | None = None
        for entity in self.entities:
            if entity.kind != kind:
                continue
            before = [p for p in entity.spoken_at if floor <= p < token.idx]
            if before and (best is None or max(before) > best[0]):
                best = (max(before), entity)
        return best[1] if best else None

    def _subjects(self, sentence: Span, before: int | None = None) -> list[_Entity]:
        """Entities in subject position in ``sentence`` outside quotes, the main clause's first."""
        found: list[tuple[int, int, _Entity]] = []
        for token in sentence:
            if before is not None and token.i >= before:
                break
            if token.i in self.quoted or token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            entity = self.at_token.get(token.i)
            if entity is None:
                entity = self._subject_entity(token)
            if entity is not None:
                depth = sum(1 for _ in token.ancestors)
                found.append((depth, token.i, entity))
        # Nearest to the end of the sentence among the shallowest (main clause) subjects first,
        # then the others, latest first.
        found.sort(key=lambda item: (item[0], -item[1]))
        return [entity for _, _, entity in found]

    def _subject_entity(self, token: Token) -> _Entity | None:
        """A subject that names someone we know, without creating anything new."""
        if token.lower_ in _PERSONAL or token.pos_ == "PRON":
            return None
        for candidate in (token, *[t for t in token.children if t.dep_ in ("compound", "appos")]):
            entity = self.at_token.get(candidate.i)
            if entity is not None:
                return entity
        return None

    def _coordination(self, span: Span, root: Token, conjuncts: list[Token]) -> _Entity:
        parts = []
        for head in (root, *conjuncts):
            left = head.left_edge.i if head is not root else span.start
            right = head.i + 1
            phrase = self.doc[left:right]
            entity = self.at_token.get(head.i)
            parts.append(entity.name if entity is not None and entity.kind != "unnamed" else _strip_determiner(phrase.text))
        name = " and ".join(parts) if len(parts) == 2 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return self._group(name)

    def _description(self, span: Span, deferred_ok: bool) -> tuple[_Entity, str | None]:
        """"the general", "the report", "a spokesman for Amnesty", "officials", "his lawyers"."""
        root = span.root
        head = root.lemma_.lower()
        phrase = _clean_phrase(span)
        if (head in SPOKESPEOPLE or root.lower_ in SPOKESPEOPLE) and root.tag_ not in ("NNS", "NNPS"):
            entity = self._unnamed(phrase)
            entity.described = True
            for token in root.subtree:
                issuer = self.at_token.get(token.i)
                if issuer is not None and issuer.kind == "organization":
                    entity.add_descriptor(f"{root.text} for {issuer.name}")
            return entity, None
        if root.tag_ in ("NNS", "NNPS") and head in MEDIA_NOUNS and not any(t.dep_ in ("poss", "prep") for t in root.children):
            return self._group(phrase), None  # "reports said": the media at large
        if head in GROUP_NOUNS:
            return self._group(self._earlier_description(root) or self._quantified(span, phrase)), None
        if head in DOCUMENT_NOUNS or root.lower_ in DOCUMENT_NOUNS:
            issuer = self._issuer(span, root)
            if issuer is None:
                issuer = next((e for h, e in reversed(self.documents) if h == head), None)
            if issuer is not None:
                self.documents.append((head, issuer))
                return issuer, None
            if deferred_ok:
                return self._deferred(span, "document"), None
        if root.tag_ in ("NNS", "NNPS"):
            return self._group(self._quantified(span, self._possessed(span, phrase))), None
        definite = span[0].lower_ in ("the", "this", "that") or any(t.dep_ == "poss" for t in root.children)
        organisation_noun = head in ORGANIZATION_NOUNS or root.lower_ in ORGANIZATION_NOUNS
        if definite or self._in_lead(span):
            match = self._by_descriptor(root, organisation_noun)
            if match is not None:
                return match, phrase if match.kind == "person" else None
        if organisation_noun:
            longer = self._longer_name(root)
            if longer is not None:
                return longer, None
            owned = any(t.dep_ == "poss" and t.lower_ in _PLURAL | _NEUTER | _MALE | _FEMALE for t in root.children)
            if owned:
                # "their union said": an organisation defined by whose it is, not one in focus.
                return self._named_description(phrase, "organization"), None
            if definite:
                found = self._centre(root, lambda e: e.kind == "organization" and (not e.place or head in _PLACE_BODIES) and not _other_body(e, head))
                if found is not None:
                    return found, None
            if deferred_ok and self._in_lead(span):
                return self._deferred(span, "organization"), None
            return self._named_description(phrase, "organization"), None
        if definite and not any(t.dep_ == "poss" for t in root.children):
            # "the Scot admitted": a description brings back someone the story is about, most
            # often the person last quoted, before whoever the sentence last mentioned. One
            # with an owner ("Connecticut's tax commissioner", "his lawyer") is someone else.
            found = self._last_speaker(root, "person") or self._centre(root, lambda e: e.kind == "person")
            if found is not None:
                return found, phrase
        if deferred_ok and self._in_lead(span):
            return self._deferred(span, "person"), phrase
        entity = self._unnamed(phrase)
        entity.described = root.pos_ in ("NOUN", "PROPN")
        return entity, None

    def _possessed(self, span: Span, phrase: str) -> str:
        """"his lawyers" -> "Phil Spector's lawyers" when "his" is someone known."""
        root = span.root
        owner = next((t for t in root.children if t.dep_ == "poss"), None)
        if owner is None or owner.lower_ not in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return phrase
        entity = self._pronoun(owner)
        if entity.kind == "unnamed":
            return phrase
        rest = " ".join(t.text for t in span if t.i > owner.i and t.i <= root.i)
        return f"{entity.name}'s {rest}"

    def _issuer(self, span: Span, root: Token) -> _Entity | None:
        """Who issued a document: "Oxfam's report", "the WEF report", "a survey by X", "reports from X"."""
        candidates = [t for t in root.subtree if t.i != root.i]
        for token in candidates:
            if token.dep_ in ("poss", "compound", "pobj", "nmod") and token.i not in self.quoted:
                entity = self.at_token.get(token.i)
                if entity is None and token.ent_type_ in ("ORG", "PERSON", "GPE"):
                    ent = entity_of(token)
                    if ent is not None:
                        entity = self._person_for(ent) if ent.label_ == "PERSON" else self._organization(ent)
                authored = (token.dep_ == "pobj" and token.head.lower_ in ("by", "from")) or (token.dep_ == "poss" and token.pos_ == "PROPN")
                if entity is None and authored:
                    # "a survey carried out by PC Pro magazine", "Oxfam's report" (Oxfam taken for a
                    # place): the proper noun words of its author.
                    name = [t for t in token.subtree if t.i <= token.i and t.text[:1].isupper() and t.pos_ in ("PROPN", "NOUN")]
                    if name and name[-1].i >= token.i - 1 and all(t.text[:1].isupper() for t in name):
                        entity = self._organization(self.doc[name[0].i : name[-1].i + 1])
                if entity is not None and entity.kind in ("person", "organization"):
                    return entity
        return None

    def _by_descriptor(self, root: Token, organisation_noun: bool) -> _Entity | None:
        """The one whose descriptors hold this description's noun and its defining modifiers
        ("the prime minister" needs "prime" too; "former", "outgoing" do not define)."""
        head = root.lower_
        needed = {head} | {
            t.lower_
            for t in root.children
            if (t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN") and not t.ent_type_) or (t.dep_ == "amod" and t.lower_ in _DEFINING)
        }
        # "their union said" is the union, not its secretary whose descriptor says "union".
        kinds = ("organization",) if organisation_noun else ("person",)
        fitting = [e for e in self.entities if e.kind in kinds and needed <= e.descriptor_words()]
        if not fitting:
            return None
        reach = len(self.text) if _is_title(head) else self.config.forward_reach_chars
        before = [(max((p for p in e.positions if p < root.idx), default=-1), e) for e in fitting]
        best = max(before, key=lambda pe: pe[0])
        if best[0] >= 0:
            return best[1]
        after = [(min((p for p in e.positions if p > root.idx), default=10**9), e) for e in fitting]
        nearest = min(after, key=lambda pe: pe[0])
        return nearest[1] if nearest[0] - root.idx <= reach else None

    def _longer_name(self, root: Token) -> _Entity | None:
        """"the committee" -> "the Commons science and technology committee" named elsewhere:
        the same noun after "the" and a capitalised word, with no clause in between."""
        pattern = re.compile(
            r"\b[Tt]he ((?:[A-Z][\w&'-]*)(?: (?:[A-Z][\w&'-]*|and|of|for|[a-z][a-z-]+)){0,5}) (?i:" + re.escape(root.text) + r")\b"
        )
        best = None
        for found in pattern.finditer(self.text):
            words = found.group(1).split()
            if any(w in _NOT_IN_NAMES for w in words) or "-" in words[0] or found.start() <= root.idx < found.end():
                continue
            name = f"{found.group(1)} {root.text}"
            if best is None or len(name) > len(best):
                best = name
        if best is None:
            return None
        return self._named_description(best, "organization")

    def _earlier_description(self, root: Token) -> str | None:
        """"the panel" -> "a panel of experts", the fuller phrase the article used first."""
        for token in self.doc[: root.i]:
            if token.lower_ == root.lower_ and token.pos_ == "NOUN" and token.i not in self.quoted:
                span = self.doc[token.left_edge.i : token.right_edge.i + 1]
                phrase = _clean_phrase(span)
                if len(phrase.split()) > 1:
                    return self._quantified(span, phrase)
                return None
        return None

    def _deferred(self, span: Span, wanted: str) -> _Entity:
        """A lead's description or a document resolved once every named speaker is known."""
        entity = self._new(_clean_phrase(span), "unnamed" if wanted == "person" else "organization")
        entity.described = True
        self.pending.append((entity, span, wanted))
        return entity

    def _named_description(self, phrase: str, kind: SpeakerKind) -> _Entity:
        key = f"{kind}:" + phrase.lower()
        if key not in self.by_key:
            self.by_key[key] = self._new(phrase, kind)
        return self.by_key[key]

    def _group(self, phrase: str) -> _Entity:
        return self._named_description(phrase, "group")

    def _quantified(self, span: Span, phrase: str) -> str:
        """"Some users" stay "some users": the quantifier or article says which group."""
        first = span.root.left_edge
        if first.lower_ in _QUANTIFIERS | {"the", "a", "an"} and not phrase.lower().startswith(first.lower_):
            return f"{first.text} {phrase}"
        return phrase

    def _unnamed(self, phrase: str) -> _Entity:
        return self._new(_strip_determiner(phrase) or phrase, "unnamed")


def resolve(doc: Doc, attributions: list[Attribution], config: SpeakerConfig | None = None) -> list[Speaker]:
    """Set ``speaker`` on each attribution; return the article's speakers, most quoted first."""
    resolver = _Resolver(doc, config or SpeakerConfig.default())
    ordered = sorted(attributions, key=lambda a: a.cue.start if a.cue else a.content.start)
    assigned: dict[int, _Entity] = {}
    previous: _Entity | None = None
    for attribution in ordered:
        if attribution.headline:
            continue
        if attribution.source is None:
            entity = previous  # an implicit continuation carries on the last speaker
            if entity is None:
                continue
        else:
            entity, descriptor = resolver.resolve_source(attribution.source.start, attribution.source.end)
            if descriptor:
                entity.add_descriptor(descriptor)
            if entity.kind != "person":
                entity.add_alias(attribution.source.text)
        resolver.spoke(entity, attribution.source.start if attribution.source else attribution.content.start)
        assigned[id(attribution)] = entity
        previous = entity
    _settle_deferred(resolver, assigned)
    for attribution in ordered:
        entity = assigned.get(id(attribution))
        if entity is not None:
            entity.attributions += 1
            attribution.speaker = entity  # an _Entity until the records are made below
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
        resolved = attribution.speaker
        if isinstance(resolved, _Entity):
            attribution.speaker = records[id(resolved)].ref()
    return list(records.values())


def _settle_deferred(resolver: _Resolver, assigned: dict[int, _Entity]) -> None:
    """Documents and lead descriptions, now that the article's speakers are known."""
    placeholders = {id(entity) for entity, _, _ in resolver.pending}
    spoken = Counter(id(e) for e in assigned.values() if id(e) not in placeholders)
    by_id = {id(e): e for e in assigned.values()}
    replacement: dict[int, _Entity] = {}
    for placeholder, span, wanted in resolver.pending:
        position = span.start_char
        if wanted == "person":
            kinds: tuple[str, ...] = ("person",)
        else:
            kinds = ("organization",)
        speakers = [by_id[i] for i, _ in spoken.most_common() if by_id[i].kind in kinds and by_id[i] is not placeholder and not by_id[i].place]
        choice = None
        if wanted == "person":
            # The first person named after the lead's description ("its chief has said ... Werner Seifert"),
            # in a later sentence: one named in the statement itself ("Connecticut's tax commissioner
            # says ... Donald Trump's tax filings") is what it is about, not who says it.
            after = span.sent.end_char
            later = [(min((p for p in e.positions if p >= after), default=10**9), e) for e in speakers]
            later = [pe for pe in later if pe[0] - position <= resolver.config.forward_reach_chars]
            if later:
                choice = min(later, key=lambda pe: pe[0])[1]
        else:
            if speakers:
                choice = speakers[0]
            else:
                named = [e for e in resolver.entities if e.kind == "organization" and e.positions and id(e) not in placeholders and not e.place]
                if named:
                    choice = max(named, key=lambda e: (len(e.positions), -min(e.positions)))
        if choice is not None:
            replacement[id(placeholder)] = choice
        elif wanted == "person":
            placeholder.kind = "unnamed"
    for key, entity in list(assigned.items()):
        if id(entity) in replacement:
            assigned[key] = replacement[id(entity)]


# --- helpers ---------------------------------------------------------------------


def _quoted_tokens(doc: Doc) -> set[int]:
    """Indices of tokens inside double quotation marks (what a person says is not who the text
    is about). Double marks only, toggled token by token and closed at a line break: the
    resolver's figures were measured with this; :func:`doc_quotes` (single marks, quotes over
    paragraphs) moves them (docs/speakers.md), so switching is a change to measure, not a tidy-up."""
    inside: set[int] = set()
    open_quote = False
    for token in doc:
        if token.text in _DOUBLE_QUOTES:
            # A straight mark toggles; a curly one says which way it faces.
            open_quote = not open_quote if token.text == '"' else token.text in "\u201c\u201e\u00ab"
            continue
        if "\n" in token.text:
            open_quote = False
        if open_quote:
            inside.add(token.i)
    return inside


def _same_entity(a: Token, b: Token) -> bool:
    """Both tokens inside one named entity ("Qualifications and Curriculum Authority")."""
    ent = entity_of(a)
    return ent is not None and ent.start <= b.i < ent.end


#: Roles a club or company has: "Manchester United manager", "Microsoft chairman".
_EMPLOYER_ROLES = frozenset("manager coach boss chairman striker captain midfielder defender goalkeeper owner player chief executive director".split())


def _employer(ent: Span) -> bool:
    """A name modifying a role noun names who employs the role holder, a club or company the
    model took for a person ("Manchester United manager Sir Alex Ferguson")."""
    root = ent.root
    return len(ent) > 1 and root.dep_ == "compound" and root.head.lower_ in _EMPLOYER_ROLES and root.head.i >= ent.end


def _first_name_like(span: Span) -> bool:
    """The words before the surname are a first name: capitalised proper nouns, no title."""
    return all(t.text[:1].isupper() and t.pos_ == "PROPN" and not _is_title(t.text) for t in span[:-1])


#: Parts of speech that never start a person's name ("The Davies family", "But Davies said").
_NOT_NAME_POS = frozenset({"DET", "PRON", "ADP", "CCONJ", "SCONJ", "ADV", "PART", "NUM", "INTJ", "PUNCT", "SYM"})


#: Kinds of body that name what an organisation is: "the regional transport agency" is not "the Council".
#: (A watchdog, a think-tank or a firm may be any of them.)
_BODY_TYPES = frozenset("council agency committee party bank court ministry department commission union university police parliament".split())


def _other_body(entity: _Entity, head: str) -> bool:
    """The description names one kind of body and the entity's name another."""
    last = entity.name.lower().split()[-1:] or [""]
    return head in _BODY_TYPES and last[0] in _BODY_TYPES and last[0] != head


def _first_name_before(doc: Doc, surname: str) -> str | None:
    """"Nicola Sturgeon" for a person the model only recognised as "Sturgeon": the capitalised
    words before the surname that are no title or place ("Will Davies", whose "Will" the
    model takes for a verb, included)."""
    best = None
    for token in doc:
        if token.text != surname or token.i == 0:
            continue
        words: list[str] = []
        cursor = token.i - 1
        while cursor >= 0 and len(words) < 3:
            word = doc[cursor]
            nickname = word.text in "'\u2018\u2019" and cursor >= 2 and doc[cursor - 1].text[:1].isupper() and doc[cursor - 2].text == word.text
            if nickname:  # Brian 'Head' Welch
                words[:0] = [f"'{doc[cursor - 1].text}'"]
                cursor -= 3
                continue
            nearest = cursor == token.i - 1 and word.pos_ not in _NOT_NAME_POS and not word.is_punct
            attached = word.pos_ == "PROPN" and word.dep_ in ("compound", "nmod", "flat") and word.i < word.head.i <= token.i
            if not (word.text[:1].isupper() and (attached or nearest)):
                break
            if _is_title(word.text) or word.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC"):
                break
            words.insert(0, word.text)
            cursor -= 1
        if words and (best is None or len(words) + 1 > len(best.split())):
            best = " ".join([*words, surname])
    return best


def _run_on(ent: Span) -> Span | None:
    """An organisation's name that goes on past the model's entity: "The Mail" + "on Sunday",
    "Forum" + "for the Future" (a person's name never continues with "for the")."""
    doc = ent.doc
    end = ent.end
    if ent.label_ not in ("ORG", "PERSON") or end + 1 >= len(doc) or doc[end].lower_ not in ("on", "for", "of"):
        return None
    if ent.label_ == "PERSON" and not (doc[end].lower_ == "for" and doc[end + 1].lower_ == "the"):
        return None
    cursor = end + 1
    if doc[cursor].lower_ == "the":
        cursor += 1
    last = cursor
    while last < len(doc) and doc[last].text[:1].isupper() and doc[last].pos_ == "PROPN" and last - cursor < 3:
        last += 1
    # "Google on Monday said": a date is not part of a name; but a title written with a capital
    # "The" in mid-sentence goes on ("according to The Mail on Sunday").
    titled = ent[0].text == "The" and not ent[0].is_sent_start and doc[end].lower_ == "on"
    if last == cursor or (doc[cursor].ent_type_ not in ("ORG", "") and not titled):
        return None
    return doc[ent.start : last]


def _acronyms(doc: Doc, text: str) -> dict[str, str]:
    """Short forms the article defines: "Name (ACR)", or initials of an organisation it names."""
    found: dict[str, str] = {}
    for match in re.finditer(r"((?:[A-Z][\w&'.-]*\s+)(?:(?:of|for|and|the|on|in|de|&|[A-Z][\w&'.-]*)\s+)*[A-Z][\w&'.-]*)\s*\(([A-Za-z]{2,10})\)", text):
        name, short = match.group(1), match.group(2)
        words = name.split()
        while words and words[0].lower() in _DETERMINERS:
            words = words[1:]
        if words and _initials(" ".join(words)).startswith(short.upper()[:1]):
            found[short.lower()] = " ".join(words)
    names = {_org_name(e) for e in doc.ents if e.label_ in ("ORG", "GPE", "FAC") and len(e) > 1}
    for ent in doc.ents:
        short = _org_name(ent)
        if ent.label_ in ("ORG", "GPE", "PERSON", "NORP") and len(ent) == 1 and short.isupper() and 2 <= len(short) <= 8:
            for name in names:
                if _initials(name) == short.upper() and short.lower() not in found:
                    found[short.lower()] = name
    return found


def _initials(name: str) -> str:
    letters = []
    for word in re.split(r"[\s-]+", name):
        if word and word.lower() not in _ACRONYM_STOP and word[:1].isalpha():
            letters.append(word[0].upper())
    return "".join(letters)


def _label_votes(doc: Doc) -> dict[str, Counter]:
    votes: dict[str, Counter] = {}
    for ent in doc.ents:
        words = _name_tokens(ent)
        if len(words) == 1:
            label = "PERSON" if ent.label_ == "PERSON" else "ORG" if ent.label_ in _ORG_LABELS else None
            if label:
                votes.setdefault(words[0].lower(), Counter())[label] += 1
    return votes


def _honorific_names(doc: Doc) -> list[Span]:
    """"Mr Davies", "Ms Simonetti": a capitalised word after an honorific is a person's name,
    whatever label the model gave it."""
    spans = []
    for token in doc[:-1]:
        if token.lower_.rstrip(".") in {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady"} and token.text[:1].isupper():
            end = token.i + 1
            while end < len(doc) and end - token.i <= 4:
                word = doc[end]
                if word.text[:1].isupper() and word.pos_ in ("PROPN", "NOUN", "ADJ"):
                    end += 1
                elif word.text == "-" and end + 1 < len(doc) and doc[end + 1].text[:1].isupper() and not word.whitespace_:
                    end += 1  # "Kilroy-Silk"
                else:
                    break
            if end > token.i + 1:
                spans.append(doc[token.i : end])
    return spans


def _honorific_before(ent: Span) -> str | None:
    before = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
    first = ent[0].lower_.rstrip(".")
    for word in (before, first):
        if word in {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady"}:
            return word
    return None


def _lead_end(doc: Doc, lead_sentences: int) -> int:
    """The token index where the lead ends: after the headline and the first sentences with
    words in them (a blanked junk line is no sentence)."""
    seen = 0
    for sentence in doc.sents:
        if sum(1 for t in sentence if not t.is_space) >= 3:
            seen += 1
            if seen == lead_sentences:
                return sentence.end
    return len(doc)


def _relative_antecedent(pronoun: Token) -> Token | None:
    clause = pronoun.head
    if clause.dep_ == "relcl":
        return clause.head
    return None


def _noun_phrase(token: Token) -> Span:
    """The noun phrase of ``token`` without its relative clauses and appositions."""
    doc = token.doc
    end = token.i + 1
    for child in token.children:
        if child.i > token.i and child.dep_ in ("prep", "compound", "nummod", "amod"):
            end = max(end, child.right_edge.i + 1)
    return doc[token.left_edge.i : end]


def _clean_phrase(span: Span) -> str:
    """A description as a name: the noun with its modifiers and a short "of"/"for" phrase,
    no relative clause, apposition, participle or trailing comma part."""
    root = span.root
    doc = span.doc
    start = root.left_edge.i
    end = root.i + 1
    for child in root.children:
        if child.i > root.i and child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "from", "with", "in") and child.right_edge.i - root.i <= 8:
            end = max(end, child.right_edge.i + 1)
    tokens = [t for t in doc[max(start, span.start) : min(end, span.end)] if not t.is_punct or t.text in "-'&"]
    text = "".join(t.text_with_ws for t in tokens).strip()
    return _strip_determiner(text) or span.text


def _name_tokens(ent: Span) -> list[str]:
    words = [t.text for t in ent if (not t.is_punct or t.text in "-'\u2019") and t.pos_ != "PRON"]  # "Trump himself"
    if len(words) == 2 and words[0].lower() in _ROYAL:
        return words  # "Prince Charles" is not a Charles of the article's other Charleses
    while len(words) > 1 and (_is_title(words[0]) or words[0] in "-'\u2019"):
        words = words[1:]
    while words and words[-1] in ("'s", "\u2019s", "'", "\u2019", "-"):
        words = words[:-1]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    text = " ".join(w for w in words if w)
    text = re.sub(r"\s*-\s*", "-", text)  # "Kilroy - Silk" as written: "Kilroy-Silk"
    return text.split()


_ROYAL = frozenset("prince princess king queen pope duke duchess".split())
_BARE_TITLES = frozenset(t.rstrip(".") for t in TITLES | HONORIFICS)


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in _BARE_TITLES


def _is_honorific(word: str) -> bool:
    return word.lower().rstrip(".") in {h.rstrip(".") for h in HONORIFICS}


def _clean_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip())


def _org_name(span: Span) -> str:
    words = [t for t in span if not (t.is_punct and t.text not in "&-.'")]
    # "The" written with a capital in mid-sentence belongs to a title ("The Mail on Sunday").
    while words and words[0].lower_ in _DETERMINERS and not (words[0].text == "The" and not words[0].is_sent_start):
        words = words[1:]
    while words and words[-1].text in ("'s", "\u2019s", "'", "\u2019"):
        words = words[:-1]
    lower = [i for i, t in enumerate(words) if t.text[:1].islower() and t.lower_ not in _ACRONYM_STOP]
    if lower and lower[-1] + 1 < len(words) and words[lower[-1] + 1].text[:1].isupper():
        words = words[lower[-1] + 1 :]
    text = "".join(t.text_with_ws for t in words).strip()
    return _clean_name(text) or span.text.strip()


def _compatible_names(known: str, new: str) -> bool:
    """"Stephen Townsend" ~ "Gen. Stephen Townsend"; "Bill Clinton" !~ "Hillary Clinton"."""
    a, b = known.lower().split(), new.lower().split()
    if a[-1] != b[-1]:
        return False
    first_a, first_b = a[0] if len(a) > 1 else None, b[0] if len(b) > 1 else None
    return first_a is None or first_b is None or first_a == first_b or first_a.startswith(first_b.rstrip(".")) or first_b.startswith(first_a.rstrip("."))


def _honorific_gender(ent: Span) -> str | None:
    word = _honorific_before(ent)
    if word in ("mr", "sir", "lord"):
        return "m"
    if word in ("mrs", "ms", "miss", "dame", "lady"):
        return "f"
    return None


def _descriptors_of(ent: Span) -> list[str]:
    """Roles written around a name: "coalition commander General X", "X, Russia's foreign minister"."""
    doc = ent.doc
    out: list[str] = []
    # Left modifiers inside the same noun phrase.
    i = ent.start
    while True:
        while (
            i > 0
            and (doc[i - 1].dep_ in ("compound", "amod", "nmod") or doc[i - 1].tag_ == "HYPH")  # "front-runner"
            and i <= doc[i - 1].head.i < ent.end
            and doc[i - 1].ent_type_ in ("", "NORP", "GPE", "ORG")
        ):
            i -= 1
        # The model may parse the first half of a hyphenated role on its own ("co" in "Tory
        # co-chairman"): the role keeps its whole word, and what modifies that word.
        if i > 1 and i < ent.start and is_hyphen_part(doc[i - 1]) and is_hyphen_part(doc[i - 2]):
            i -= 2
            continue
        break
    while i < ent.start and doc[i].tag_ == "HYPH":
        i += 1
    words = [t for t in doc[i : ent.start] if not _is_honorific(t.text)]
    out.extend(_split_titles(words))
    # Titles inside the entity itself ("General Stephen Townsend" tagged whole).
    if _is_title(ent[0].text) and not _is_honorific(ent[0].text):
        out.append(_expand_abbreviation(ent[0].text))
    # An appositive: "X, a former adviser to Y,".
    for child in ent.root.children:
        if child.dep_ == "appos" and child.i > ent.root.i and child.pos_ != "PRON":
            phrase = _whole_words(doc[child.left_edge.i : child.right_edge.i + 1])
            if len(phrase) <= 12:
                out.append(_strip_determiner(phrase.text))
    # "X, who is the chief of Y" is left alone; "the chief of Y, X" (X the appositive of a role).
    if ent.root.dep_ == "appos" and ent.root.head.i < ent.start and ent.root.head.pos_ == "NOUN":
        head = ent.root.head
        out.append(_strip_determiner(_whole_words(doc[head.left_edge.i : head.i + 1]).text))
    return [d for d in out if d]


def _whole_words(span: Span) -> Span:
    """``span`` widened to whole hyphenated words: the model may split "vice-president" into
    two appositives, "vice" and "president", each a descriptor on its own."""
    doc = span.doc
    start, end = span.start, span.end
    while start > 0 and is_hyphen_part(doc[start - 1]):
        start -= 1
    while end < len(doc) and is_hyphen_part(doc[end - 1]):
        end += 1
    return doc[start:end]


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
