-- Chat webhooks. A person's own hook (scope `person`) carries their
-- notifications to a chat of theirs; a channel hook (scope `program` or
-- `team`) carries announcements of the onboardings of one program or one
-- manager's team to a shared channel. `format` is slack, mattermost, teams or
-- json (signed with `secret`, HMAC-SHA256).
CREATE TABLE chat_hooks (
    id         INTEGER PRIMARY KEY,
    scope      TEXT NOT NULL,
    person_id  INTEGER REFERENCES people(id) ON DELETE CASCADE,
    program_id INTEGER REFERENCES programs(id) ON DELETE CASCADE,
    format     TEXT NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX chat_hooks_personal ON chat_hooks(person_id) WHERE scope = 'person';
CREATE INDEX chat_hooks_team ON chat_hooks(person_id) WHERE scope = 'team';
CREATE INDEX chat_hooks_program ON chat_hooks(program_id);
-- A chat delivery names the hook it goes to.
ALTER TABLE deliveries ADD COLUMN hook_id INTEGER REFERENCES chat_hooks(id) ON DELETE CASCADE;
-- An announcement for program and team channels is a notification about the
-- new hire that no inbox lists; its deliveries go to the channels' hooks.
ALTER TABLE notifications ADD COLUMN for_channel BOOLEAN NOT NULL DEFAULT FALSE;
