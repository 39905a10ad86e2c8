-- Learning and resources: pathway enrolments and module completions,
-- certification records, joined channels, reading receipts, demo and
-- playground access requests, webinars and attendance (SQLite).
-- Keep in step with postgres/0007.
CREATE TABLE pathway_enrolments (
    onboarding_id INTEGER PRIMARY KEY REFERENCES onboardings(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    pathway_id    TEXT NOT NULL,
    enrolled_at   TEXT NOT NULL
);
CREATE INDEX pathway_enrolments_person ON pathway_enrolments(person_id);

CREATE TABLE module_completions (
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    pathway_id   TEXT NOT NULL,
    module_id    TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    evidence_url TEXT,
    source       TEXT NOT NULL CHECK (source IN ('self', 'import')),
    recorded_by  INTEGER REFERENCES people(id),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (person_id, pathway_id, module_id)
);

CREATE TABLE certification_records (
    person_id        INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    certification_id TEXT NOT NULL,
    planned_on       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    passed_on        TEXT,
    expires_on       TEXT,
    evidence_url     TEXT,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (person_id, certification_id)
);

CREATE TABLE channel_joins (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (person_id, channel_id)
);

CREATE TABLE reading_receipts (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL,
    read_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, item_id)
);

CREATE TABLE access_requests (
    id             INTEGER PRIMARY KEY,
    onboarding_id  INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    playground_id  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'denied', 'provisioned')),
    note           TEXT NOT NULL DEFAULT '',
    requested_by   INTEGER REFERENCES people(id),
    requested_at   TEXT NOT NULL,
    decided_by     INTEGER REFERENCES people(id),
    decided_at     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    provisioned_by INTEGER REFERENCES people(id),
    provisioned_at TEXT
);
-- One live request per system and onboarding; a denied one may be asked again.
CREATE UNIQUE INDEX access_requests_live ON access_requests(onboarding_id, playground_id) WHERE status <> 'denied';

CREATE TABLE webinars (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    host             TEXT NOT NULL,
    registration_url TEXT,
    recording_url    TEXT,
    created_by       INTEGER REFERENCES people(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX webinars_start ON webinars(starts_at);

CREATE TABLE webinar_attendance (
    webinar_id INTEGER NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    how        TEXT NOT NULL CHECK (how IN ('attended', 'watched')),
    at         TEXT NOT NULL,
    PRIMARY KEY (webinar_id, person_id)
);
