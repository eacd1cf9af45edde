-- saywho store, schema version 3 (PostgreSQL). Keep in step with sqlite/0003_stories.sql,
-- which says what each part is for.

ALTER TABLE articles ADD COLUMN story_id BIGINT;
UPDATE articles SET story_id = id;
CREATE INDEX articles_story ON articles (story_id);

CREATE TABLE article_signatures (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    signature BYTEA
);

CREATE TABLE story_bands (
    key BIGINT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX story_bands_article ON story_bands (article_id);

ALTER TABLE attributions ADD COLUMN copy_key TEXT;
