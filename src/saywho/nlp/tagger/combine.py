"""Combining: the tagger's attributions refined by the parse-based rules' on the same text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saywho.models import Attribution, TextSpan
from saywho.nlp.tagger.config import CombiningConfig, TaggerConfig

if TYPE_CHECKING:  # spaCy is only needed by callers that pass a Doc
    from spacy.tokens import Doc


def combine(
    found: list[Attribution],
    by_rules: list[Attribution],
    text: str,
    config: CombiningConfig | None = None,
    doc: Doc | None = None,
) -> list[Attribution]:
    """The tagger's attributions, refined by the rules' on the same text.

    The tagger is better at finding attributions and their sources, the parse
    at cue extents and at quote edges (measured on PolNeAR dev with each of three
    trained models, docs/model.md). So, for each tagger attribution:

    * with a cue: it takes the cue of the rules' attribution sharing that cue
      (and its source where the tagger found none, or found one after the cue
      where the parse has a subject before it), and that attribution's content
      too when it is a quote or the tagger is unsure (``config.rules_content_below``);
    * without a cue: it takes cue and source of the rules' attribution sharing
      its content (a signed quote ``"..." ― Name``, a transcript line);
    * with no rules' attribution sharing its content: it must reach
      ``config.unsupported_min_confidence``, and (given the parse, ``doc``) its cue must
      not be a passive with no agent (``X was declared Y``, ``X have been blamed for Y``):
      the text credits no one, so the tagger's source is a neighbour's and the speaker
      would be the previous one's (the rules, reading the same parse, give it no source).

    Rules' attributions the tagger missed are added from ``config.rules_add_confidence``,
    and every cue reaches over the words that join it to its content
    (:func:`saywho.nlp.rules.reach_content`: ``called on | Republicans to ...``).
    ``config``: the shipped model's unless given (a model's own is ``TaggerModel.config.combining``).
    """
    from saywho.nlp.rules import reach_content

    config = config or TaggerConfig.default().combining
    body_rules = [a for a in by_rules if not a.headline]
    kept: list[Attribution] = []
    for attribution in found:
        sharing_content = [r for r in body_rules if _shares(r.content, attribution.content)]
        if not sharing_content and (
            attribution.confidence < config.unsupported_min_confidence or (doc is not None and _credits_no_one(doc, attribution))
        ):
            continue
        _refine(attribution, sharing_content, body_rules, config)
        if not any(k.content.spans == attribution.content.spans and k.cue == attribution.cue for k in kept):
            kept.append(attribution)
    for extra in body_rules:
        if extra.confidence < config.rules_add_confidence or extra.cue is None:
            continue
        if not any(_shares(extra.content, a.content) or (a.cue and _shares(extra.cue, a.cue)) for a in kept):
            kept.append(extra)
    kept.sort(key=lambda a: a.content.start)
    reach_content(kept, text)  # the tagger's content may start where the rules' did not
    for attribution in kept:
        _keep_content_after_cue(attribution, text)
    kept += [a for a in by_rules if a.headline]
    return kept


def _refine(
    attribution: Attribution, sharing_content: list[Attribution], body_rules: list[Attribution], config: CombiningConfig
) -> None:
    """Give one tagger attribution the cue, source and content edges of the rules' that match it."""
    if attribution.cue is None:
        cued = next((r for r in sharing_content if r.cue is not None), None)
        if cued is not None:
            _take_cue_and_source(attribution, cued)
        return
    same_cue = [r for r in body_rules if r.cue is not None and _shares(r.cue, attribution.cue)]
    if not same_cue:
        return
    match = next((r for r in same_cue if _shares(r.content, attribution.content)), same_cue[0])
    _take_cue_and_source(attribution, match)
    unsure = attribution.confidence < config.rules_content_below
    if _shares(match.content, attribution.content) and (match.type == "direct" or unsure):
        attribution.content, attribution.type = match.content, match.type


def _credits_no_one(doc: Doc, attribution: Attribution) -> bool:
    """Whether the parse reads the attribution's cue as a passive with no agent."""
    from saywho.nlp.acts import agentless_passive, cue_head

    if attribution.cue is None:
        return False
    head = cue_head(doc, attribution)
    return head is not None and agentless_passive(head)


def _keep_content_after_cue(attribution: Attribution, text: str) -> None:
    """A content that starts inside its cue (the rules' ``blamed for`` before the tagger's
    ``for causing ...``) starts after it: the linking word is the cue's, as PolNeAR marks
    it. A consistency fix more than an accuracy one (it helped on dev and hurt a little on
    train, docs/model.md)."""
    cue = attribution.cue
    (first_start, first_end), *rest = attribution.content.spans
    if cue is None or not cue.start < first_start < cue.end < first_end:
        return
    start = first_end - len(text[cue.end : first_end].lstrip())
    attribution.content = TextSpan.from_ranges(text, [(start, first_end), *rest])


def _take_cue_and_source(attribution: Attribution, rule: Attribution) -> None:
    """The rules' cue; the tagger's source, unless it has none or the parse found a
    subject before the cue where the tagger took a phrase after it (``X said in a report``)."""
    own, cue = attribution.source, rule.cue
    assert cue is not None  # callers pass only rules' attributions with a cue
    attribution.cue, attribution.act = cue, rule.act
    if rule.source is not None and (own is None or rule.source.start < cue.start < own.start):
        attribution.source = rule.source


def _shares(a: TextSpan, b: TextSpan) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.spans for s2, e2 in b.spans)
