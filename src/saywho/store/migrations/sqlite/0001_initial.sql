-- saywho store, schema version 1 (SQLite). Keep in step with postgresql/0001_initial.sql.

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    -- sha256 of the ingested document text: the idempotency key.
    content_hash TEXT NOT NULL UNIQUE,
    input TEXT NOT NULL,
    title TEXT,
    published TEXT,
    -- YYYY-MM-DD prefix of published, for date filters and timelines.
    published_date TEXT,
    url TEXT,
    publisher TEXT,
    language TEXT,
    text TEXT NOT NULL,
    -- Article.to_dict() without "text": the exact record, for export and the article page.
    record TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published_date ON articles (published_date);
CREATE INDEX articles_publisher ON articles (publisher);

-- A person or organisation across the corpus.
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Set when a manual merge folded this speaker into another one.
    merged_into INTEGER REFERENCES speakers (id),
    created_at TEXT NOT NULL
);

-- Normalised name keys ("person:stephen townsend", "surname:townsend", "org:fbi") and the
-- speaker each one resolves to. origin 'manual' keys come from merges and splits and
-- are never moved by automatic resolution.
CREATE TABLE speaker_keys (
    key TEXT PRIMARY KEY,
    speaker_id INTEGER NOT NULL REFERENCES speakers (id),
    origin TEXT NOT NULL DEFAULT 'auto'
);
CREATE INDEX speaker_keys_speaker ON speaker_keys (speaker_id);

-- One speaker of one article (models.Speaker), linked to its corpus speaker.
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT,
    surname TEXT,
    -- NULL for unnamed speakers ("a spokesman"): they are never merged across articles.
    speaker_id INTEGER REFERENCES speakers (id),
    UNIQUE (article_id, local_id)
);
CREATE INDEX mentions_speaker ON mentions (speaker_id);
CREATE INDEX mentions_key ON mentions (key);
CREATE INDEX mentions_surname ON mentions (surname);

CREATE TABLE mention_names (
    mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (mention_id, name)
);

CREATE TABLE mention_descriptors (
    mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    descriptor TEXT NOT NULL,
    PRIMARY KEY (mention_id, descriptor)
);
CREATE INDEX mention_descriptors_descriptor ON mention_descriptors (descriptor);

CREATE TABLE attributions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    mention_id INTEGER REFERENCES mentions (id),
    type TEXT NOT NULL,
    act TEXT NOT NULL,
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    cue TEXT,
    source TEXT,
    when_text TEXT,
    when_date TEXT,
    confidence REAL NOT NULL,
    headline INTEGER NOT NULL DEFAULT 0,
    UNIQUE (article_id, seq)
);
CREATE INDEX attributions_mention ON attributions (mention_id);
CREATE INDEX attributions_type ON attributions (type);

CREATE VIRTUAL TABLE attributions_fts USING fts5 (
    content, content = 'attributions', content_rowid = 'id', tokenize = 'porter unicode61'
);
CREATE TRIGGER attributions_fts_insert AFTER INSERT ON attributions BEGIN
    INSERT INTO attributions_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER attributions_fts_delete AFTER DELETE ON attributions BEGIN
    INSERT INTO attributions_fts (attributions_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

-- A fact-checker's marks on statements.
CREATE TABLE tags (
    attribution_id INTEGER NOT NULL REFERENCES attributions (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (attribution_id, tag)
);
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE bookmarks (
    attribution_id INTEGER PRIMARY KEY REFERENCES attributions (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Audit log of manual merges and splits (what, when, with which names).
CREATE TABLE speaker_edits (
    id INTEGER PRIMARY KEY,
    op TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL
);
