"""What extraction is asked for: the engine, its default, and the old ``mode`` spelling."""

import dataclasses
import pickle

import pytest

from saywho import Options
from saywho.options import ENGINES


def test_the_tagger_is_the_default_engine_and_rules_the_other():
    assert Options().engine == "tagger"
    assert ENGINES == ("tagger", "rules")
    assert Options(engine="rules").engine == "rules"


@pytest.mark.parametrize(("mode", "engine"), [("model", "tagger"), ("rules", "rules")])
def test_the_deprecated_mode_sets_the_engine_with_a_warning(mode, engine):
    with pytest.warns(DeprecationWarning, match=f"use engine='{engine}'"):
        options = Options(mode=mode, raw=True)
    assert options.engine == engine and options.raw


def test_an_unknown_deprecated_mode_is_refused_naming_the_engines():
    with pytest.raises(ValueError, match="engine=tagger or rules"):
        Options(mode="fast")


def test_the_engine_survives_copies_and_pickling_without_warnings():
    # Spark and the worker processes pickle Options; replace() is how callers vary one.
    options = Options(engine="rules", raw=True)
    assert pickle.loads(pickle.dumps(options)) == options
    assert dataclasses.replace(options, raw=False).engine == "rules"
    assert "mode" not in dataclasses.asdict(options)
