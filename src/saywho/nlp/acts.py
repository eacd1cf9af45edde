"""Speech or not: which attributions report something someone *said*.

PolNeAR, which the extractors learn from, counts every attribution: what people
said, but also what they think, hope or plan, and stances with no statement
behind them ("backed the plan", "denied the claims"). Journalists counting who
said what want the first kind alone, as this project's speaker guidelines
(``docs/speakers.md``) define it: verbs of communication and "according to",
documents that speak for their issuer ("the report found"), a call, charge or
criticism with its object ("accused X of Y"). ``act = "speech"`` marks those;
``act = "belief"`` marks thoughts, beliefs and the other attributions PolNeAR
counts. ``--speech-only`` keeps the first.

Not speech: a belief or feeling verb; a verb outside the communication lexicon
("unveiled", "is focusing on"); a speech verb with a plain noun object and no
clause or quotation ("denied the claims", "announced a move"); a negated one
("did not say"); a passive with no agent ("it is understood", "was asked").
The lexicons are word lists because no installed model tells communication
verbs apart; they follow the guidelines' examples and general English usage.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from saywho.models import Attribution, SpeechAct
from saywho.nlp.lexicon import BELIEF_LEMMAS
from saywho.nlp.quotes import QUOTE_CHARS

#: Verbs of communication, and verbs through which documents speak ("the survey found").
SPEECH_LEMMAS = frozenset(
    """say tell add state claim announce report note argue suggest explain insist warn write tweet
    declare confirm deny admit acknowledge reply respond answer ask speculate predict promise pledge
    vow urge stress emphasize emphasise assert contend maintain allege charge complain concede caution
    recall remark observe comment testify quip joke boast brag mention reveal disclose indicate point
    conclude continue accuse call brand dub label criticise criticize attack blame hail praise describe
    rule recommend propose demand threaten advise forecast show find agree question challenge reiterate
    repeat counter retort hit put publish inform assure accord quote reckon insist signal outline
    acknowledge voice express urge plead appeal lament discover mock cite poke refer""".split()
)
#: Speech verbs whose plain noun object is part of what was said: "accused X of Y",
#: "called the plan a tax on hope", "ruled out a comeback". ("told reporters", "asked
#: the minister": the object of tell and ask is who is spoken to, not what is said.)
OBJECT_SPEECH_LEMMAS = frozenset(
    """accuse call brand dub label criticise criticize attack blame hail praise describe rule urge
    promise pledge predict forecast quote mock cite poke refer complain""".split()
)
#: Nouns that cue a statement: "In a statement, the firm ...", "Mr X's comments".
STATEMENT_NOUNS = frozenset("statement interview release email tweet letter post memo speech comment comments remarks quip".split())


def speech_act(doc: Doc, attribution: Attribution) -> SpeechAct:
    """``speech`` when the attribution reports a statement, else ``belief``."""
    if attribution.cue is None:
        return attribution.act  # a headline or a continuation: as the statement it repeats
    cue_text = attribution.cue.text.lower()
    if cue_text.startswith("according") or cue_text.strip() in (":", "-", "\u2013", "\u2014", "\u2015"):
        return "speech"
    head = cue_head(doc, attribution)
    if head is None:
        return attribution.act
    lemma = head.lemma_.lower()
    if head.pos_ == "NOUN":
        return "speech" if lemma in STATEMENT_NOUNS else attribution.act
    if lemma not in SPEECH_LEMMAS:
        return "belief"
    if lemma in BELIEF_LEMMAS and _plain_noun_phrase(doc, attribution):
        return "belief"  # "found it hard", "agreed a deal"; but "the survey found that ..." is speech
    if any(child.dep_ == "neg" for child in head.children):
        return "belief"
    if agentless_passive(head):
        return "belief"  # "it is understood", "is said to", "was asked": no one speaks
    if lemma not in OBJECT_SPEECH_LEMMAS and _plain_noun_phrase(doc, attribution):
        return "belief"
    return "speech"


def agentless_passive(head: Token) -> bool:
    """A passive with no agent ("it is understood", "X was declared Y", "X have been blamed
    for Y"): the text credits no one with it."""
    return any(child.dep_ == "auxpass" for child in head.children) and not any(child.dep_ == "agent" for child in head.children)


def cue_head(doc: Doc, attribution: Attribution) -> Token | None:
    """The word heading an attribution's cue: its first verb that is not an auxiliary, else its first noun."""
    assert attribution.cue is not None
    tokens = [t for start, end in attribution.cue.spans if (span := doc.char_span(start, end, alignment_mode="expand")) is not None for t in span]
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() not in ("be", "have", "do", "will", "would", "can", "could", "may", "might", "must", "should")]
    if verbs:
        return verbs[0]
    nouns = [t for t in tokens if t.pos_ == "NOUN"]
    return nouns[0] if nouns else (tokens[0] if tokens else None)


def _plain_noun_phrase(doc: Doc, attribution: Attribution) -> bool:
    """The content is a noun phrase: no verb, no quotation ("the claims", "a move")."""
    content = attribution.content
    if any(mark in content.text for mark in QUOTE_CHARS if mark not in "'\u2019"):
        return False
    for start, end in content.spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(t.pos_ in ("VERB", "AUX") for t in span):
            return False
    return True
