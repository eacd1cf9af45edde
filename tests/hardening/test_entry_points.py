"""Hypothesis properties over every entry point that takes outside data (targets.py, properties.py).

Example counts are kept small for the default run; ``scripts/fuzz.py`` drives the same
targets for much longer, coverage-guided, and docs/reliability.md has its figures.
The listed examples are inputs that once broke a property: regression tests.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, settings

from saywho.testing import targets


def bounded(target, examples: int, *regressions: tuple):
    """``target`` with ``examples`` generated inputs plus these fixed ones, no deadline."""
    for arguments in regressions:
        target = example(*arguments)(target)
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])(target)


test_cleaning_never_drops_a_quoted_line_and_keeps_offsets = bounded(
    targets.clean, 150,
    ('Home | News\n"We will win," Jane Ortiz said.\nShare on Facebook', False, False),
    # Found by hypothesis: on a page with no prose, quoted lines were not protected.
    ('said said said said said said said " said\nRead more', False, False),
    ('said\n\nsaid said said said said said said " said\n©', False, False),
    # A comment section used to drop even quoted speech.
    ('The council met on Tuesday and talked about the new bridge for a long time.\n**jane99** says:\n“No,” he said', False, False),
)

test_extract_spans_index_the_text_and_output_is_valid_and_deterministic = bounded(
    targets.extract, 40,
    ("\u202e\"We will win,\u200b\" Jane\u200d Ortiz said.\u2066", False, "2016-05-03"),
    ('"a\x00b," Jane Ortiz said on Tuesday.', True, "2016-05-03"),
    # Runs of quote marks longer than a word: the tokenizer reads a broken copy.
    ('"' * 250 + ' Jane Ortiz said "' + "x" * 150 + '" today.', False, None),
)

test_decoding_any_bytes_gives_text_or_an_input_error = bounded(targets.decode, 150)
test_html_reader_gives_a_document_or_an_input_error = bounded(targets.html, 60)
test_jsonl_reader_never_raises_and_bounded_reading_changes_nothing = bounded(targets.jsonl, 150)
test_warc_reader_keeps_pages_before_truncation_and_survives_corruption = bounded(targets.warc, 60)
test_any_file_gives_documents_or_input_errors = bounded(targets.files, 150)

test_date_resolver_never_dates_after_publication = bounded(
    targets.dates, 150,
    ("on Tuesday", "2017-07-12"),
    ("May 3", "0001-01-01"),
    # Found by atheris: a weekday before 0001-01-01 overflowed the date type.
    ("Tuesday", "0001-01-01"),
    ("last week", "0001-01-02"),
)

test_search_query_parser_keeps_only_words_and_phrases = bounded(targets.query, 300)
test_any_search_filter_gives_results_or_a_store_error_and_changes_nothing = bounded(
    targets.search, 200,
    # Found by atheris: a superscript digit passed str.isdigit() and then broke int().
    ("speaker", "\u00b9"),
    ("speaker", " \u0663 "),  # an Arabic-Indic 3 is a decimal digit: a speaker id like any other
)

test_tables_escape_any_text_and_print_no_control_characters = bounded(targets.table, 150)
test_csv_cells_round_trip_and_never_start_a_formula = bounded(targets.csv, 150)
test_the_import_reader_gives_an_article_or_a_value_error = bounded(
    targets.records, 200,
    ("[1, 2, 3]",),  # issue 21: crashed import with AttributeError after storing one good record
    ('{"input": "x", "text": "t", "speakers": [1]}',),
)
