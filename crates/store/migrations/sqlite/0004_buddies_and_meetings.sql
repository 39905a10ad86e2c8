-- Buddy assignments, time off, shadowed and led meetings, feedback (SQLite).
-- Keep in step with postgres/0004.
ALTER TABLE onboardings ADD COLUMN backup_buddy_id INTEGER REFERENCES people(id);

CREATE TABLE time_off (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX time_off_person ON time_off(person_id, first_day);

CREATE TABLE buddy_assignments (
    id            INTEGER PRIMARY KEY,
    onboarding_id INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    buddy_id      INTEGER NOT NULL REFERENCES people(id),
    backup        BOOLEAN NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    assigned_by   INTEGER REFERENCES people(id),
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX buddy_assignments_onboarding ON buddy_assignments(onboarding_id, id);

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    onboarding_id    INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('shadowed', 'led')),
    held_on          TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    meeting_type     TEXT NOT NULL,
    lead_id          INTEGER REFERENCES people(id),
    observer_id      INTEGER REFERENCES people(id),
    account          TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    learnings        TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES people(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX meetings_onboarding ON meetings(onboarding_id, held_on);

CREATE TABLE meeting_feedback (
    meeting_id  INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    observer_id INTEGER NOT NULL REFERENCES people(id),
    went_well   TEXT NOT NULL,
    to_improve  TEXT NOT NULL,
    ratings     TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
