-- Reminders a person asked for: a webinar, or one session of an office-hours
-- series, reminded once within the hour before it starts.
CREATE TABLE session_reminders (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    webinar_id  INTEGER REFERENCES webinars(id) ON DELETE CASCADE,
    series_id   INTEGER REFERENCES office_hours(id) ON DELETE CASCADE,
    starts_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    reminded_at TEXT
);
CREATE UNIQUE INDEX session_reminders_one
    ON session_reminders(person_id, COALESCE(webinar_id, 0), COALESCE(series_id, 0), starts_at);
CREATE INDEX session_reminders_due ON session_reminders(starts_at) WHERE reminded_at IS NULL;
-- When the asker heard that their open question moved to the next session
-- (once per session it missed).
ALTER TABLE questions ADD COLUMN rolled_over_from TEXT;
-- One weekly summary per person and week (the Monday), whichever server makes it.
CREATE TABLE weekly_summaries (
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    week            TEXT NOT NULL,
    notification_id INTEGER REFERENCES notifications(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (person_id, week)
);
-- The local hour of a person's daily digest (and weekly summary); none: 08:00.
CREATE TABLE notification_hours (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    digest_hour INTEGER NOT NULL CHECK (digest_hour BETWEEN 0 AND 23),
    updated_at  TEXT NOT NULL
);
