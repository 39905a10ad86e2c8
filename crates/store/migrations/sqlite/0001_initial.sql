-- Initial schema (SQLite). Keep in step with migrations/postgres/0001_initial.sql.
CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    department   TEXT NOT NULL DEFAULT '',
    job_role     TEXT NOT NULL DEFAULT '',
    segment      TEXT,
    region       TEXT,
    time_zone    TEXT NOT NULL DEFAULT 'UTC',
    start_date   TEXT,
    manager_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX people_manager ON people(manager_id);

CREATE TABLE programs (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    owner        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE program_versions (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    definition   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (program_id, version),
    UNIQUE (program_id, content_hash)
);

CREATE TABLE onboardings (
    id                 INTEGER PRIMARY KEY,
    person_id          INTEGER NOT NULL REFERENCES people(id),
    program_version_id INTEGER NOT NULL REFERENCES program_versions(id),
    start_date         TEXT NOT NULL,
    manager_id         INTEGER REFERENCES people(id),
    people_connect_id  INTEGER REFERENCES people(id),
    enablement_id      INTEGER REFERENCES people(id),
    buddy_id           INTEGER REFERENCES people(id),
    status             TEXT NOT NULL DEFAULT 'active',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    closed_at          TEXT
);
CREATE INDEX onboardings_person ON onboardings(person_id);
CREATE INDEX onboardings_manager ON onboardings(manager_id);
CREATE INDEX onboardings_buddy ON onboardings(buddy_id);

CREATE TABLE tasks (
    id                  INTEGER PRIMARY KEY,
    onboarding_id       INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    task_key            TEXT NOT NULL,
    position            INTEGER NOT NULL,
    title               TEXT NOT NULL,
    body                TEXT NOT NULL DEFAULT '',
    owner_role          TEXT NOT NULL,
    phase               TEXT NOT NULL,
    kind                TEXT NOT NULL,
    due_date            TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open',
    status_note         TEXT,
    compliance_critical BOOLEAN NOT NULL DEFAULT FALSE,
    template            TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    completed_at        TEXT,
    completed_by        INTEGER REFERENCES people(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (onboarding_id, task_key)
);
CREATE INDEX tasks_due ON tasks(status, due_date);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    onboarding_id INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    task_id       INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES people(id),
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX comments_onboarding ON comments(onboarding_id, task_id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    onboarding_id INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    comment_id    INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    uploader_id   INTEGER NOT NULL REFERENCES people(id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX attachments_onboarding ON attachments(onboarding_id);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);
