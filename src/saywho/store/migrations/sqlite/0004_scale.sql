-- saywho store, schema version 4 (SQLite): speaker-name filters through an index.
-- Keep in step with postgresql/0004_scale.sql.

-- A speaker filter ("--speaker clint") matches part of a name: lower(name) LIKE '%clint%',
-- which no B-tree index serves, so it read every speaker, alias and mention (86 ms at
-- 10,000 articles, growing with the corpus). FTS5's trigram tokenizer serves LIKE with
-- a leading wildcard (case-insensitive for ASCII, as SQLite's LIKE is); these tables
-- index the names of the tables they name (external content: the names are not copied)
-- and are kept in step by triggers. Store._name_like uses them.
CREATE VIRTUAL TABLE speakers_trigram USING fts5 (
    name, content = 'speakers', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO speakers_trigram (speakers_trigram) VALUES ('rebuild');
CREATE TRIGGER speakers_trigram_insert AFTER INSERT ON speakers BEGIN
    INSERT INTO speakers_trigram (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER speakers_trigram_delete AFTER DELETE ON speakers BEGIN
    INSERT INTO speakers_trigram (speakers_trigram, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER speakers_trigram_update AFTER UPDATE OF name ON speakers BEGIN
    INSERT INTO speakers_trigram (speakers_trigram, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO speakers_trigram (rowid, name) VALUES (new.id, new.name);
END;

CREATE VIRTUAL TABLE mention_names_trigram USING fts5 (
    name, content = 'mention_names', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO mention_names_trigram (mention_names_trigram) VALUES ('rebuild');
CREATE TRIGGER mention_names_trigram_insert AFTER INSERT ON mention_names BEGIN
    INSERT INTO mention_names_trigram (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER mention_names_trigram_delete AFTER DELETE ON mention_names BEGIN
    INSERT INTO mention_names_trigram (mention_names_trigram, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER mention_names_trigram_update AFTER UPDATE OF name ON mention_names BEGIN
    INSERT INTO mention_names_trigram (mention_names_trigram, rowid, name) VALUES ('delete', old.rowid, old.name);
    INSERT INTO mention_names_trigram (rowid, name) VALUES (new.rowid, new.name);
END;

-- Unnamed speakers ("a spokesman") are matched on the mention's own name.
CREATE VIRTUAL TABLE mentions_trigram USING fts5 (
    name, content = 'mentions', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO mentions_trigram (mentions_trigram) VALUES ('rebuild');
CREATE TRIGGER mentions_trigram_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO mentions_trigram (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER mentions_trigram_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO mentions_trigram (mentions_trigram, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER mentions_trigram_update AFTER UPDATE OF name ON mentions BEGIN
    INSERT INTO mentions_trigram (mentions_trigram, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO mentions_trigram (rowid, name) VALUES (new.id, new.name);
END;

-- The speakers list's counts, materialised: counting every statement per speaker
-- (Store._speaker_counts' rules) takes seconds at a million articles, and every sort,
-- filter and page of the list needed it again. Filled by Store.refresh_speaker_counts
-- (after ingest and import, or by the first list asked for after a write); valid while
-- speaker_counts_state.version equals Store.data_version, else the list counts live.
CREATE TABLE speaker_counts (
    speaker_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    attributions INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    latest TEXT,
    -- JSON lists: the top aliases and descriptors the list shows (Store._describe's rules),
    -- which otherwise count every mention of the most quoted speakers on each page.
    aliases TEXT NOT NULL DEFAULT '[]',
    descriptors TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX speaker_counts_statements ON speaker_counts (attributions DESC, name, speaker_id);
CREATE INDEX speaker_counts_articles ON speaker_counts (articles DESC, name, speaker_id);
CREATE INDEX speaker_counts_latest ON speaker_counts (latest DESC, name, speaker_id);
CREATE TABLE speaker_counts_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL
);
