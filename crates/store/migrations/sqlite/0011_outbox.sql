-- The outbox: one row per notification and channel that is to be sent,
-- written in the transaction of the change; a worker claims, sends and
-- marks them (sent, retried later, or failed for good).
CREATE TABLE deliveries (
    id                INTEGER PRIMARY KEY,
    notification_id   INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    run_at            TEXT NOT NULL,
    locked_until      TEXT,
    last_error        TEXT,
    sent_at           TEXT,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at        TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, run_at);

-- A person's choice for one kind of event on one channel: now, digest or off
-- (no row: the event's default).
CREATE TABLE notification_settings (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    mode       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, channel)
);
