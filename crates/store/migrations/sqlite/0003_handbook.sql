-- Imported handbook pages (SQLite). Keep in step with postgres/0003.
CREATE TABLE handbook_pages (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    section      TEXT NOT NULL,
    aliases      TEXT NOT NULL,
    draft        BOOLEAN NOT NULL,
    source       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX handbook_pages_url ON handbook_pages(url);

CREATE TABLE handbook_aliases (
    alias   TEXT NOT NULL,
    page_id INTEGER NOT NULL REFERENCES handbook_pages(id) ON DELETE CASCADE,
    PRIMARY KEY (alias, page_id)
);
CREATE INDEX handbook_aliases_page ON handbook_aliases(page_id);

-- One row: bumped by every import that changed something, so each server's
-- search index can tell that it is behind.
CREATE TABLE handbook_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL,
    root        TEXT NOT NULL,
    site_url    TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
