"""Speech or belief: a statement someone made, or one of the other attributions PolNeAR counts."""

import pytest

import saywho

#: These pin the parse-based rules' own behaviour: the fast engine, asked for by name.
RULES = saywho.Options(engine="rules")


def acts(text):
    return [(a.cue.text, a.act) for a in saywho.extract(text, options=RULES).attributions if a.cue is not None]


@pytest.mark.parametrize(
    "text, cue, act",
    [
        ("The minister said that taxes would fall.", "said", "speech"),
        ("According to the chamber of commerce, firms are losing money.", "According to", "speech"),
        ("The survey found that factories had slowed.", "found", "speech"),
        ("The union accused the port of holding the region hostage.", "accused", "speech"),
        ("Ashia Hansen has ruled out a comeback this year.", "has ruled out", "speech"),
        ("The minister believes that taxes will fall.", "believes", "belief"),
        ("The company has unveiled its new long-distance plane.", "has unveiled", "belief"),
        ("The US government denied the claims.", "denied", "belief"),
        ("It is understood that the talks have failed.", "is understood", "belief"),
    ],
)
def test_act_of_each_cue(text, cue, act):
    found = dict(acts(text))
    if act == "speech":
        assert found.get(cue) == "speech", found
    else:
        assert found.get(cue, "belief") == "belief", found


def test_speech_only_leaves_beliefs_out():
    options = saywho.Options(beliefs=False, engine="rules")
    article = saywho.extract("The minister believes taxes will fall. She said cuts were coming.", options=options)
    assert [a.cue.text for a in article.attributions] == ["said"]
