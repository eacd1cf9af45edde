"""Speaker resolution within one article: names, pronouns, descriptions, and honest failures."""

import saywho


def speakers_of(text):
    article = saywho.extract(text)
    return [(a.cue.text, a.speaker.name, a.speaker.kind) for a in article.attributions if not a.headline], article


def test_surname_and_pronoun_resolve_to_the_full_name():
    found, article = speakers_of(
        'Finance Minister Anna Berg said taxes would fall. "It is time," Berg said. She added that cuts were needed.'
    )
    assert [name for _, name, _ in found] == ["Anna Berg"] * 3
    (speaker,) = article.speakers
    assert "Finance Minister" in speaker.descriptors


def test_definite_description_resolves_to_the_person_with_that_role():
    found, _ = speakers_of(
        "Coalition commander General Mark Hale said troops would stay. The general added that bases would close."
    )
    assert [name for _, name, _ in found] == ["Mark Hale", "Mark Hale"]


def test_people_sharing_a_surname_stay_apart():
    found, _ = speakers_of(
        "Bill Clinton said the economy was strong. Hillary Clinton said the plan was sound."
    )
    assert [name for _, name, _ in found] == ["Bill Clinton", "Hillary Clinton"]


def test_a_bare_shared_surname_is_not_guessed():
    found, _ = speakers_of(
        "Bill Clinton spoke first. Hillary Clinton spoke next. Clinton said the vote was close."
    )
    (_, name, kind), = found
    assert (name, kind) != ("Bill Clinton", "person") and (name, kind) != ("Hillary Clinton", "person")


def test_unnamed_and_group_sources_are_marked_as_such():
    found, _ = speakers_of("A senior official said the talks had failed. Officials said more meetings were planned.")
    assert [kind for _, _, kind in found] == ["unnamed", "group"]


def test_organisation_speaks():
    found, _ = speakers_of("Amnesty International said the strikes were unlawful.")
    assert found == [("said", "Amnesty International", "organization")]


def test_pronoun_with_no_antecedent_stays_unnamed():
    found, _ = speakers_of("He said the bridge was closed.")
    assert found[0][2] == "unnamed"


def test_relative_pronoun_resolves_to_its_noun():
    found, _ = speakers_of("The report quoted Maria Lopez, who said the budget was too small.")
    assert ("said", "Maria Lopez", "person") in found
