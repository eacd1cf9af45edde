-- saywho store, schema version 1 (PostgreSQL). Keep in step with sqlite/0001_initial.sql.

CREATE TABLE articles (
    id BIGSERIAL PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    input TEXT NOT NULL,
    title TEXT,
    published TEXT,
    published_date TEXT,
    url TEXT,
    publisher TEXT,
    language TEXT,
    text TEXT NOT NULL,
    record TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published_date ON articles (published_date);
CREATE INDEX articles_publisher ON articles (publisher);

CREATE TABLE speakers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    merged_into BIGINT REFERENCES speakers (id),
    created_at TEXT NOT NULL
);

CREATE TABLE speaker_keys (
    key TEXT PRIMARY KEY,
    speaker_id BIGINT NOT NULL REFERENCES speakers (id),
    origin TEXT NOT NULL DEFAULT 'auto'
);
CREATE INDEX speaker_keys_speaker ON speaker_keys (speaker_id);

CREATE TABLE mentions (
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT,
    surname TEXT,
    speaker_id BIGINT REFERENCES speakers (id),
    UNIQUE (article_id, local_id)
);
CREATE INDEX mentions_speaker ON mentions (speaker_id);
CREATE INDEX mentions_key ON mentions (key);
CREATE INDEX mentions_surname ON mentions (surname);

CREATE TABLE mention_names (
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (mention_id, name)
);

CREATE TABLE mention_descriptors (
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    descriptor TEXT NOT NULL,
    PRIMARY KEY (mention_id, descriptor)
);
CREATE INDEX mention_descriptors_descriptor ON mention_descriptors (descriptor);

CREATE TABLE attributions (
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    mention_id BIGINT REFERENCES mentions (id),
    type TEXT NOT NULL,
    act TEXT NOT NULL,
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    cue TEXT,
    source TEXT,
    when_text TEXT,
    when_date TEXT,
    confidence DOUBLE PRECISION NOT NULL,
    headline INTEGER NOT NULL DEFAULT 0,
    content_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    UNIQUE (article_id, seq)
);
CREATE INDEX attributions_mention ON attributions (mention_id);
CREATE INDEX attributions_type ON attributions (type);
CREATE INDEX attributions_content_tsv ON attributions USING GIN (content_tsv);

CREATE TABLE tags (
    attribution_id BIGINT NOT NULL REFERENCES attributions (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (attribution_id, tag)
);
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE bookmarks (
    attribution_id BIGINT PRIMARY KEY REFERENCES attributions (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE speaker_edits (
    id BIGSERIAL PRIMARY KEY,
    op TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL
);
