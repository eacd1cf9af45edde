"""Speaker resolution within one article: names, pronouns, descriptions, and honest failures."""

import saywho

#: These pin the parse-based rules' own behaviour: the fast engine, asked for by name.
RULES = saywho.Options(engine="rules")


def speakers_of(text):
    article = saywho.extract(text, options=RULES)
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


# --- news-style reference (the classes of docs/speakers.md) ---------------------------------


def names(text):
    return [(a.speaker.name, a.speaker.kind) for a in saywho.extract(text, options=RULES).attributions if not a.headline and a.act == "speech"]


def test_he_follows_the_story_not_the_person_criticised():
    text = (
        "Mr Mubanga said he was mistreated. The home secretary, Charles Clarke, said there would be no inquiry. "
        "Mr Mubanga is the first of the four men to speak. He said he had lost three years of his life."
    )
    assert names(text)[-1] == ("Mubanga", "person")


def test_a_first_name_the_model_left_outside_the_entity_is_found():
    text = "SNP leader Nicola Sturgeon criticised the plan. Ms Sturgeon said the costs were wrong."
    assert ("Nicola Sturgeon", "person") in names(text)


def test_an_acronym_the_article_spells_out_takes_the_full_name():
    text = (
        "The Chartered Institute of Purchasing and Supply (CIPS) published its index on Monday. "
        "The CIPS said that factories had slowed."
    )
    assert names(text) == [("Chartered Institute of Purchasing and Supply", "organization")]


def test_a_report_speaks_for_its_issuer_and_later_mentions_follow():
    text = (
        "Oxfam's report said millions of children would die. "
        "Aid agencies welcomed the move. The report said rich nations had broken their promises."
    )
    assert [n for n in names(text) if n[1] == "organization"] == [("Oxfam", "organization")] * 2


def test_a_lead_description_stands_for_the_firm_named_later():
    text = (
        "Cash machines could soon be hit by viruses, a security firm has warned.\n\n"
        "Trend Micro said the machines ran Windows. Trend Micro said banks should act."
    )
    assert set(names(text)) == {("Trend Micro", "organization")}


def test_a_spokesman_is_an_unnamed_individual_with_the_organisation_as_descriptor():
    article = saywho.extract('A spokesman for the London Stock Exchange said: "We have been talking for months."', options=RULES)
    (attribution,) = article.attributions
    assert attribution.speaker.kind == "unnamed"
    assert "spokesman for London Stock Exchange" in attribution.speaker.descriptors


def test_a_coordination_is_one_group_named_in_full():
    assert names("Tony Blair and Ruth Kelly said schools would get more money.") == [("Tony Blair and Ruth Kelly", "group")]


def test_short_forms_of_parties_come_from_the_alias_table():
    assert names("The Tories said taxes were too high.") == [("Conservative Party", "organization")]


def test_a_name_after_the_is_a_description_of_the_person_last_quoted():
    text = (
        'Manchester United manager Sir Alex Ferguson said the game would be hard. "We are ready," Ferguson said. '
        "His striker Ruud van Nistelrooy is fit again, but the Scot admitted he was unsure whether to start him."
    )
    assert names(text)[-1] == ("Alex Ferguson", "person")


def test_a_country_is_not_the_company_that_speaks():
    text = "Cairn Energy, which works in India, made a find there. The company said the tests had shown oil."
    assert names(text) == [("Cairn Energy", "organization")]


def test_the_alias_table_is_well_formed_and_general():
    from saywho.nlp.speakers import aliases

    table = aliases()
    assert table["tories"] == ("Conservative Party", "organization")
    assert all(kind in ("organization", "group") for _, kind in table.values())
    assert "democrats" not in table  # ambiguous between countries: left out on purpose


def test_a_club_before_a_role_is_no_person():
    text = "Manchester United manager Sir Alex Ferguson said the game would be hard."
    article = saywho.extract(text, options=RULES)
    assert [(s.name, s.kind) for s in article.speakers] == [("Alex Ferguson", "person")]


def test_a_royal_keeps_the_title_that_names_him():
    text = "Charles Kennedy said the vote was close. Prince Charles said the gardens were open."
    assert names(text) == [("Charles Kennedy", "person"), ("Prince Charles", "person")]


def test_a_description_of_another_kind_of_body_is_not_the_one_in_focus():
    text = (
        "Harbourtown council has postponed its vote, a spokeswoman for the council said. "
        "According to the regional transport agency, traffic has doubled."
    )
    assert names(text)[-1] == ("regional transport agency", "organization")


def test_a_hyphenated_role_before_a_name_stays_whole_and_the_name_speaks():
    # The model splits "co-chairman" and takes "co" for a subject of its own: the speaker
    # was once "Tory co", an unnamed someone described as "Tory co".
    for text in ("Tory co-chairman Andrew Feldman said the party would win.",
                 '"We will win," said Tory co-chairman Andrew Feldman.'):
        found, article = speakers_of(text)
        assert [name for _, name, _ in found] == ["Andrew Feldman"]
        assert article.speakers[0].descriptors == ["Tory co-chairman"]


def test_a_hyphenated_appositive_is_one_descriptor():
    found, article = speakers_of("Joe Biden, the vice-president, said it was over.")
    assert [name for _, name, _ in found] == ["Joe Biden"]
    assert article.speakers[0].descriptors == ["vice-president"]


def test_an_alias_is_a_name_never_a_pronoun_and_spaced_once():
    from saywho.nlp.speakers import _Entity

    entity = _Entity(id="s1", name="Donald Trump", kind="person")
    for alias in ("they", "It", "Donald\xa0Trump", "Donald  Trump", "Trump"):
        entity.add_alias(alias)
    assert entity.aliases == ["Donald Trump", "Trump"]


def test_an_owned_description_is_not_the_person_in_focus():
    # Past the lead, where a description is not held for a name that comes later.
    found, _ = speakers_of(
        "The tax filings were published on Sunday. The pages covered one year. They were sent by post. "
        "Donald Trump said the report was a disgrace. "
        "Connecticut's tax commissioner said no one from the state had released the filings."
    )
    assert [name for _, name, _ in found] == ["Donald Trump", "Connecticut's tax commissioner"]


def test_a_lead_description_is_the_person_named_in_a_later_sentence_not_in_its_own():
    found, _ = speakers_of(
        "Connecticut's tax commissioner says no one from his department released Donald Trump's tax filings.\n\n"
        "Kevin Sullivan said on Monday that he had asked staff to check. Sullivan added that nothing was found.\n\n"
        "Donald Trump said the leak was a crime."
    )
    assert [name for _, name, _ in found] == ["Kevin Sullivan"] * 3 + ["Donald Trump"]
