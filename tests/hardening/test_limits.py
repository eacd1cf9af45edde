"""The per-article limits: a character cap, a time limit, and the tokenizer guard; their
defaults are the same in the library and on the command line."""

from __future__ import annotations

import inspect
import signal
import time

import pytest

from saywho.errors import InputError
from saywho.models import Document
from saywho.pipeline import (
    DEFAULT_MAX_CHARS,
    DEFAULT_TIME_LIMIT,
    MAX_WORD_CHARS,
    ArticleTimeout,
    Extractor,
    Options,
    analyse_safely,
    time_limit,
    tokenizable,
)

SENTENCE = '"We will not give up on this city," Mayor Ana Ruiz said on Tuesday.\n'


@pytest.fixture(scope="module")
def capped():
    return Extractor(Options(max_chars=1_000, time_limit=0))


def test_an_article_over_the_character_cap_is_a_per_input_error(capped):
    result = analyse_safely(capped, Document("long.txt", SENTENCE * 100))
    assert isinstance(result, InputError) and result.input == "long.txt"
    assert "too long" in result.reason and "--max-chars" in result.reason
    assert analyse_safely(capped, Document("short.txt", SENTENCE)).attributions  # under the cap: analysed


def test_a_slow_article_is_given_up_after_the_time_limit_and_the_next_is_unaffected(extractor):
    slow = Extractor(Options(time_limit=0.5))
    started = time.monotonic()
    result = analyse_safely(slow, Document("slow.txt", SENTENCE * 3000))
    assert isinstance(result, ArticleTimeout) and "longer than 0.5 s" in result.reason
    assert time.monotonic() - started < 30  # interrupted, not run to its end
    after = slow.analyse(Document("next.txt", SENTENCE * 3))
    assert after.to_dict() == extractor.analyse(Document("next.txt", SENTENCE * 3)).to_dict()


def test_the_time_limit_restores_an_outer_timer_and_handler():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5.0, "x"):
            pass
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # the outer timer still runs
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_time_limit_does_nothing_outside_the_main_thread():
    import threading

    outcome = []

    def work():
        with time_limit(0.05, "x"):
            time.sleep(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


@pytest.mark.parametrize(("text", "broken_at"), [
    ("a" * MAX_WORD_CHARS, []),
    ("a" * (MAX_WORD_CHARS + 1), [MAX_WORD_CHARS]),
    ("x " + "'" * 250 + " y", [2 + MAX_WORD_CHARS, 2 + 2 * MAX_WORD_CHARS + 1]),
    ("word " * 100, []),
])
def test_over_long_words_are_broken_for_the_tokenizer_only(text, broken_at):
    result = tokenizable(text)
    assert len(result) == len(text)
    assert [i for i, (a, b) in enumerate(zip(text, result)) if a != b] == broken_at


def test_a_quote_around_a_long_url_keeps_the_article_text_in_its_spans(extractor):
    url = "https://example.com/" + "x" * 300
    article = extractor.extract(f'"Read {url} today," Jane Ortiz said on Tuesday.')
    assert article.attributions
    for attribution in article.attributions:
        start, end = attribution.content.spans[0]
        assert attribution.content.text == article.text[start:end]
    assert url in article.attributions[0].content.text


def test_the_command_line_defaults_are_the_library_defaults():
    from saywho.cli.store import ingest_command
    from saywho.ingest.options import DEFAULT_MAX_BYTES

    parameters = inspect.signature(ingest_command).parameters
    assert parameters["max_chars"].default == DEFAULT_MAX_CHARS
    assert parameters["time_limit"].default == DEFAULT_TIME_LIMIT
    assert parameters["max_bytes"].default == DEFAULT_MAX_BYTES
