-- "Your sessions": each session gets a handle to name it by (never its
-- secret or the secret's hash), the device and address it was started
-- from; last_seen_at is kept up to date (at most every few minutes).
ALTER TABLE sessions ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
UPDATE sessions SET handle = substr(id, 1, 16);
CREATE INDEX sessions_handle ON sessions(account_id, handle);
