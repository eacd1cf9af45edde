-- saywho store, schema version 4 (PostgreSQL): speaker-name filters through an index.
-- Keep in step with sqlite/0004_scale.sql.

-- A speaker filter ("--speaker clint") matches part of a name: lower(name) LIKE '%clint%',
-- which no B-tree index serves, so it read every speaker, mention and alias. pg_trgm's GIN
-- indexes serve LIKE with a leading wildcard. pg_trgm is a trusted extension (PostgreSQL
-- 13+: a database owner may create it); it goes into public when it can, so that dropping
-- a schema that uses it does not drop it. Where it cannot be created (no privilege, not
-- installed), the filters work as before, by scanning, and a NOTICE says why.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION pg_trgm SCHEMA public;
        EXCEPTION WHEN OTHERS THEN
            BEGIN
                CREATE EXTENSION pg_trgm;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'saywho: pg_trgm is not available (%): speaker name filters scan the names', SQLERRM;
            END;
        END;
    END IF;
END
$$;

-- The indexes name the operator class with its schema: the extension may live in a schema
-- outside this database user's search_path.
DO $$
DECLARE
    home TEXT;
BEGIN
    SELECT n.nspname INTO home FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace
    JOIN pg_am am ON am.oid = c.opcmethod WHERE c.opcname = 'gin_trgm_ops' AND am.amname = 'gin' LIMIT 1;
    IF home IS NOT NULL THEN
        EXECUTE format('CREATE INDEX speakers_name_trgm ON speakers USING GIN (lower(name) %I.gin_trgm_ops)', home);
        EXECUTE format('CREATE INDEX mention_names_name_trgm ON mention_names USING GIN (lower(name) %I.gin_trgm_ops)', home);
        -- Unnamed speakers ("a spokesman") are matched on the mention's own name.
        EXECUTE format('CREATE INDEX mentions_unresolved_name_trgm ON mentions USING GIN (lower(name) %I.gin_trgm_ops) '
                       'WHERE speaker_id IS NULL', home);
    END IF;
END
$$;

-- The speakers list's counts, materialised: counting every statement per speaker
-- (Store._speaker_counts' rules) takes seconds at a million articles, and every sort,
-- filter and page of the list needed it again. Filled by Store.refresh_speaker_counts
-- (after ingest and import, or by the first list asked for after a write); valid while
-- speaker_counts_state.version equals Store.data_version, else the list counts live.
CREATE TABLE speaker_counts (
    speaker_id BIGINT PRIMARY KEY,
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
