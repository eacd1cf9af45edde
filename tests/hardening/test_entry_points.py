"""Hypothesis properties over every entry point that takes outside data (targets.py, properties.py).

Example counts are kept small for the default run; ``scripts/fuzz.py`` drives the same
targets for much longer, coverage-guided, and docs/reliability.md has its figures.
The ``example`` rows are inputs that once broke a property: regression tests.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, settings

from hardening import targets


def bounded(examples: int):
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


test_cleaning_never_drops_a_quoted_line_and_keeps_offsets = bounded(150)(
    example('Home | News\n"We will win," Jane Ortiz said.\nShare on Facebook', False, False)(
        # Found by hypothesis: a page with no prose returned before quoted lines were protected.
        example('said said said said said said said " said\nRead more', False, False)(
            example('said\n\nsaid said said said said said said " said\n©', False, False)(
                example('Great story\n**jane99** says:\n“No,” he said', False, False)(targets.clean)))))

test_extract_spans_index_the_text_and_output_is_valid_and_deterministic = bounded(40)(
    example("\u202e\"We will win,\u200b\" Jane\u200d Ortiz said.\u2066", False, "2016-05-03")(
        example('"a\x00b," Jane Ortiz said on Tuesday.', True, "2016-05-03")(targets.extract)))

test_decoding_any_bytes_gives_text_or_an_input_error = bounded(150)(targets.decode)
test_html_reader_gives_a_document_or_an_input_error = bounded(60)(targets.html)
test_jsonl_reader_never_raises_and_bounded_reading_changes_nothing = bounded(150)(targets.jsonl)
test_warc_reader_keeps_pages_before_truncation_and_survives_corruption = bounded(60)(targets.warc)
test_any_file_gives_documents_or_input_errors = bounded(150)(targets.files)
test_date_resolver_never_dates_after_publication = bounded(150)(
    example("on Tuesday", "2017-07-12")(example("May 3", "0001-01-01")(targets.dates)))
test_search_query_parser_keeps_only_words_and_phrases = bounded(300)(targets.query)
test_any_search_filter_gives_results_or_a_store_error_and_changes_nothing = bounded(200)(targets.search)
