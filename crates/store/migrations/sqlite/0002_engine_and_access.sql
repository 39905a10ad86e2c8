-- Onboarding engine and access control (SQLite). Keep in step with postgres/0002.
ALTER TABLE tasks ADD COLUMN due_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN escalated_at TEXT;
ALTER TABLE onboardings ADD COLUMN due_date TEXT;
ALTER TABLE audit_events ADD COLUMN onboarding_id INTEGER REFERENCES onboardings(id) ON DELETE CASCADE;
CREATE INDEX audit_events_onboarding ON audit_events(onboarding_id, id);
CREATE INDEX onboardings_start ON onboardings(start_date);
CREATE INDEX tasks_onboarding ON tasks(onboarding_id, position);

CREATE TABLE holidays (
    region TEXT NOT NULL,
    day    TEXT NOT NULL,
    name   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region, day)
);

CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    onboarding_id INTEGER REFERENCES onboardings(id) ON DELETE CASCADE,
    task_id       INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    comment_id    INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    message       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    read_at       TEXT
);
CREATE INDEX notifications_person ON notifications(person_id, id);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    password_hash TEXT,
    roles         TEXT NOT NULL DEFAULT '',
    disabled_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
