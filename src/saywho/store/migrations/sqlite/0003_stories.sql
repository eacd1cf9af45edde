-- saywho store, schema version 3 (SQLite): wire copies grouped into stories.
-- Keep in step with postgresql/0003_stories.sql.

-- The story an article belongs to: the id of the first stored article of its group of
-- near-duplicates (the same agency story on several sites); its own id when it has none.
-- Articles stored before this migration start as stories of their own and are grouped
-- by the next `saywho ingest` or `saywho import` (Store.group_pending), which finds them
-- by their missing row in article_signatures.
ALTER TABLE articles ADD COLUMN story_id INTEGER;
UPDATE articles SET story_id = id;
CREATE INDEX articles_story ON articles (story_id);

-- Each grouped article's MinHash signature (uint32 little-endian values; NULL for a text
-- without words), so a new article is compared with stored ones without recomputing them.
CREATE TABLE article_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    signature BLOB
);

-- LSH buckets: one 64-bit hash of (band number, signature band) per band of each article.
-- Articles sharing a key are the candidates a new article is verified against.
CREATE TABLE story_bands (
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX story_bands_article ON story_bands (article_id);

-- A statement's normalised content (hash of its case-folded words), so the copies of one
-- statement in the copies of one story are recognised although punctuation may differ.
ALTER TABLE attributions ADD COLUMN copy_key TEXT;
