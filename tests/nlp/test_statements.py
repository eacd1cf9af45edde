"""One statement per quoted piece, and the exact way back to PolNeAR's one attribution per cue."""

from saywho.models import Attribution, TextSpan
from saywho.nlp.statements import join_statements, split_statements


def attribution(text, content, cue, source, type_="direct"):
    def span(words):
        if words is None:
            return None
        if isinstance(words, str):
            words = [words]
        ranges = []
        for word in words:
            start = text.index(word, ranges[-1][1] if ranges else 0)
            ranges.append((start, start + len(word)))
        return TextSpan.from_ranges(text, ranges)

    return Attribution(type=type_, content=span(content), cue=span(cue), source=span(source), speaker=None)


def test_interrupted_quote_gives_two_statements_sharing_cue_and_source():
    text = '"We will fight," the mayor said, "and we will win."'
    whole = attribution(text, ['"We will fight,"', '"and we will win."'], "said", "the mayor")
    first, second = split_statements([whole], text)
    assert (first.content.text, second.content.text) == ('"We will fight,"', '"and we will win."')
    assert first.cue == second.cue == whole.cue and first.source == second.source == whole.source
    assert (first.continues, second.continues) == (False, True)


def test_quote_after_the_cue_sentence_has_no_cue_or_source_of_its_own():
    text = '"We want a say," Ms Raman said. "Nobody should feel rushed."'
    whole = attribution(text, ['"We want a say,"', '"Nobody should feel rushed."'], "said", "Ms Raman")
    _, continuation = split_statements([whole], text)
    assert (continuation.cue, continuation.source, continuation.continues) == (None, None, True)


def test_reported_speech_its_cue_interrupts_stays_one_statement():
    text = "Sales will fall in 2005, Fiat said, as it leaves unprofitable markets."
    whole = attribution(text, ["Sales will fall in 2005", "as it leaves unprofitable markets"], "said", "Fiat", "indirect")
    assert split_statements([whole], text) == [whole]


def test_pieces_separated_only_by_marks_stay_one_statement():
    text = '"It is over." "We lost."'
    whole = attribution(text, ['"It is over."', '"We lost."'], None, None)
    assert split_statements([whole], text) == [whole]


def test_join_undoes_split_even_with_a_statement_in_between():
    text = '"One," she said. "Two," said Bo. "Three."'
    first = attribution(text, ['"One,"', '"Three."'], "said", "she")
    between = attribution(text, '"Two,"', "said", "Bo")
    split = split_statements([first, between], text)
    assert [a.content.text for a in split] == ['"One,"', '"Three."', '"Two,"']
    assert join_statements(split) == [first, between]
