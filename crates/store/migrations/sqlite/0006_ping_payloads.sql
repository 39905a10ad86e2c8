-- Uploaded Service Ping payloads, kept per customer instance (SQLite).
-- Keep in step with postgres/0006.
CREATE TABLE ping_payloads (
    id           INTEGER PRIMARY KEY,
    instance_key TEXT NOT NULL,
    label        TEXT NOT NULL,
    version      TEXT NOT NULL,
    recorded_at  TEXT,
    size         INTEGER NOT NULL,
    body         TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES people(id),
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX ping_payloads_instance ON ping_payloads(instance_key, recorded_at);
