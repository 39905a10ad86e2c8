-- The daily digest: notifications a person wants gathered wait as
-- deliveries on the `digest` channel; once a day one digest notification
-- takes them (digest_id) and is emailed. One digest per person and day,
-- whichever server makes it.
ALTER TABLE deliveries ADD COLUMN digest_id BIGINT REFERENCES notifications(id) ON DELETE SET NULL;
CREATE TABLE digests (
    person_id       BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day             DATE NOT NULL,
    notification_id BIGINT REFERENCES notifications(id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, day)
);
