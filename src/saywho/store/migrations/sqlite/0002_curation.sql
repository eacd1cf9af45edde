-- saywho store, schema version 2 (SQLite): curation. Keep in step with postgresql/0002_curation.sql.

-- Manual merges, splits and statement reassignments in a form that does not depend on
-- database ids (articles by content hash, speakers by name keys), so that they can be
-- exported, imported into another database and replayed when an article is ingested
-- again (saywho.store.curation, docs/corpus.md).
CREATE TABLE curation (
    id INTEGER PRIMARY KEY,
    -- sha256 of op, detail and created_at: the same entry imported twice is kept once.
    fingerprint TEXT NOT NULL UNIQUE,
    op TEXT NOT NULL,
    -- JSON, without database ids.
    detail TEXT NOT NULL,
    -- The content hash of the article a reassignment is about: it is applied again
    -- whenever that article is stored.
    article_hash TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX curation_article_hash ON curation (article_hash);
