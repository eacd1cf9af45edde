"""The cue lexicon: which words introduce attributions, and how likely.

``data/cues.tsv`` is learned from PolNeAR train by ``scripts/build_cue_lexicon.py``:
for each (lemma, part of speech) the number of times it headed an annotated cue
and the number of times it occurred. The prior P(cue | lemma) is the smoothed
ratio. ``data/cue_children.json`` says, per dependency label, how often a cue
head's child with that label was drawn inside the cue ("has said", "also said").
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

#: Pseudo-count for smoothing: a lemma seen as a cue 2 times out of 2 gets
#: 2 / (2 + 3) = 0.4, not 1.0. Tuned by eye on PolNeAR dev; rerun
#: ``saywho eval polnear`` after changing it.
PRIOR_SMOOTHING = 3.0

#: A verb below this prior is not considered a cue, whatever its structure.
MIN_PRIOR = 0.06

#: Children of a cue head drawn into the cue span when annotators did so at
#: least this often (from cue_children.json).
CHILD_INCLUDE_RATIO = 0.35

#: Reporting verbs that are cues whenever they govern a clause or a quote,
#: even when the learned prior is diluted by other senses ("add", "call").
CORE_SPEECH_VERBS = frozenset(
    """say tell add state claim announce report note argue suggest explain insist warn
    write tweet declare confirm deny admit acknowledge reply respond answer ask
    speculate predict promise pledge vow urge stress emphasize assert contend maintain
    allege charge complain concede caution recall remark observe comment continue
    testify testified quip joke boast brag mention reveal disclose indicate point
    estimate conclude""".split()
)

#: Lemmas of thoughts, beliefs, wishes and perceptions. PolNeAR annotates them as
#: attributions; a fact-checker asking who *said* what mostly does not, so they
#: get ``act = "belief"``.
BELIEF_LEMMAS = frozenset(
    """think believe feel hope want fear know expect seem appear see worry doubt wonder
    suspect consider plan intend prefer wish understand realize realise assume imagine
    hate love like trust view regard guess suppose need convince sure aware concern
    learn find decide agree disagree seek aim look sense remember forget dream confident""".split()
)
#: The forms of belief lemmas that a cue's text is matched against where there is no parse
#: to lemmatise it (the tagger's spans, :func:`belief_in_text`), by lemma; every lemma is one
#: of :data:`BELIEF_LEMMAS` (tested). Narrower than every form of every lemma on purpose:
#: model mode was tuned with these, and the full set moves a few speaker-set predictions
#: (docs/model.md); widen it with a re-run of both evals.
BELIEF_FORMS: dict[str, tuple[str, ...]] = {
    "think": ("think", "thinks", "thought"),
    "believe": ("believe", "believes", "believed", "believing"),
    "feel": ("feel", "feels", "felt"),
    "fear": ("fear", "fears", "feared"),
    "hope": ("hope", "hopes", "hoped", "hoping"),
    "expect": ("expect", "expects", "expected", "expecting"),
    "worry": ("worry", "worries", "worried"),
    "know": ("know", "knows", "knew"),
    "doubt": ("doubt", "doubts", "doubted", "doubting"),
    "suspect": ("suspect", "suspects", "suspected", "suspecting"),
    "assume": ("assume", "assumes", "assumed", "assuming"),
    "wonder": ("wonder", "wonders", "wondered", "wondering"),
    "convince": ("convinced",),
    "sure": ("sure",),
    "confident": ("confident",),
    "want": ("want", "wants", "wanted", "wanting"),
    "wish": ("wish", "wishes", "wished", "wishing"),
}
_BELIEF_WORD = re.compile(
    r"\b(" + "|".join(sorted({f for forms in BELIEF_FORMS.values() for f in forms}, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def belief_in_text(text: str) -> bool:
    """Whether a cue's text holds a form of a :data:`BELIEF_LEMMAS` word, for callers with no
    parse to lemmatise it (the tagger's spans): ``"thinks"``, ``"had hoped"``, ``"worried"``."""
    return _BELIEF_WORD.search(text) is not None


@dataclass(frozen=True, slots=True)
class CueLexicon:
    counts: dict[tuple[str, str], tuple[int, int]]
    child_ratio: dict[str, float]
    word_ratio: dict[str, tuple[int, int]]

    def prior(self, lemma: str, pos: str) -> float:
        cue, seen = self.counts.get((lemma, pos), (0, 0))
        return cue / (seen + PRIOR_SMOOTHING) if cue else 0.0

    def include_child(self, lemma: str, dep: str, word: str) -> bool:
        """Whether annotators draw this child into the cue ("pointed *to*", "*has* said").

        The evidence for that very word under that very lemma wins when there is
        some; prepositions need it ("said *on* Tuesday" is no cue).
        """
        inside, total = self.word_ratio.get(f"{lemma}|{dep}|{word}", (0, 0))
        if total >= 3:
            return inside / total >= 0.5
        if dep == "prep":
            return False
        return self.child_ratio.get(dep, 0.0) >= CHILD_INCLUDE_RATIO


@functools.lru_cache(maxsize=1)
def load_lexicon() -> CueLexicon:
    data = resources.files("saywho") / "data"
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for line in (data / "cues.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        lemma, pos, cue, seen = line.split("\t")
        counts[(lemma, pos)] = (int(cue), int(seen))
    children = json.loads((data / "cue_children.json").read_text(encoding="utf-8"))
    ratio = {dep: inside / total for dep, (inside, total) in children["by_dep"].items() if total}
    words = {key: (inside, total) for key, (inside, total) in children["by_word"].items()}
    return CueLexicon(counts, ratio, words)
