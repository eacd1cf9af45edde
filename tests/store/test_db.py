import pytest

from saywho.store import Store, StoreError
from saywho.store.db import PostgresBackend, SQLiteBackend, available_migrations, open_backend, redact_dsn, split_statements
from saywho.store.store import fts5_query, search_terms


@pytest.mark.parametrize(
    ("target", "backend"),
    [("corpus.db", SQLiteBackend), ("postgresql://u:p@localhost/db", PostgresBackend), ("postgres://localhost/db", PostgresBackend)],
)
def test_open_backend_picks_the_dialect_from_the_target(target, backend):
    assert isinstance(open_backend(target), backend)


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [("postgresql://saywho:s3cret@db:5432/x", "postgresql://saywho:***@db:5432/x"), ("postgresql://db/x", "postgresql://db/x")],
)
def test_redact_dsn_hides_the_password(dsn, shown):
    assert redact_dsn(dsn) == shown


def test_an_unreachable_postgresql_is_a_clear_error_without_the_password():
    with pytest.raises(StoreError) as error:
        Store.open("postgresql://saywho:s3cret@127.0.0.1:1/nothing?connect_timeout=2")
    assert "cannot connect to PostgreSQL" in str(error.value) and "s3cret" not in str(error.value)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        Store.open(junk)


def test_split_statements_keeps_trigger_bodies_whole():
    script = "-- comment\nCREATE TABLE a (x);\n\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    assert split_statements(script) == ["CREATE TABLE a (x);", "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;"]


def test_both_dialects_have_the_same_migration_numbers():
    assert set(available_migrations("sqlite")) == set(available_migrations("postgresql")) == {1, 3}


def test_search_text_keeps_words_and_phrases_and_drops_empty_quotes():
    assert search_terms('"troop levels" OR x* (') == ["troop levels", "OR", "x"]
    assert search_terms('"" troop ""') == ["troop"]
    assert fts5_query('""') == ""
