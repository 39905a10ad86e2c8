-- What changed in the searchable content at each generation (handbook pages
-- by path, answered questions as office-hours/questions/ID), so every server
-- brings its own search index up to date by applying just those changes.
CREATE TABLE search_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    generation BIGINT NOT NULL,
    path       TEXT NOT NULL
);
CREATE INDEX search_changes_generation ON search_changes (generation);
