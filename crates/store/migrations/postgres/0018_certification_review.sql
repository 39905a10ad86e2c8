-- The manager's review of the evidence of a passed certification:
-- `submitted` when the new hire gives a pass with evidence, then `approved`
-- or `returned` (with a note) by the manager. NULL before any evidence.
ALTER TABLE certification_records ADD COLUMN review_status TEXT;
ALTER TABLE certification_records ADD COLUMN submitted_at TIMESTAMPTZ;
ALTER TABLE certification_records ADD COLUMN reviewed_by BIGINT REFERENCES people(id) ON DELETE SET NULL;
ALTER TABLE certification_records ADD COLUMN reviewed_at TIMESTAMPTZ;
ALTER TABLE certification_records ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
CREATE INDEX certification_records_review ON certification_records(review_status, person_id);
