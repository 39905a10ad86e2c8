-- Office hours, questions, votes and calendar feed tokens (SQLite).
-- Keep in step with postgres/0005.
CREATE TABLE office_hours (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    rrule            TEXT NOT NULL,
    start_local      TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    video_url        TEXT NOT NULL,
    host_id          INTEGER REFERENCES people(id),
    cancelled        TEXT NOT NULL DEFAULT '[]',
    created_by       INTEGER REFERENCES people(id),
    created_at       TEXT NOT NULL
);

CREATE TABLE questions (
    id            INTEGER PRIMARY KEY,
    series_id     INTEGER NOT NULL REFERENCES office_hours(id) ON DELETE CASCADE,
    session_start TEXT NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES people(id),
    anonymous     BOOLEAN NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'answered', 'duplicate')),
    answer        TEXT NOT NULL DEFAULT '',
    links         TEXT NOT NULL DEFAULT '[]',
    answered_by   INTEGER REFERENCES people(id),
    answered_at   TEXT,
    answered_session TEXT,
    duplicate_of  INTEGER REFERENCES questions(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX questions_series ON questions(series_id, status, session_start);

CREATE TABLE question_votes (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (question_id, person_id)
);

CREATE TABLE calendar_tokens (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
