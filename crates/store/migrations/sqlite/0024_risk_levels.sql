-- Each active onboarding's risk level as last recorded by the sweep, with
-- the signals behind it, and every change of level (its history).
CREATE TABLE risk_levels (
    onboarding_id INTEGER PRIMARY KEY REFERENCES onboardings(id) ON DELETE CASCADE,
    level         TEXT NOT NULL,
    signals       TEXT NOT NULL DEFAULT '[]',
    since         TEXT NOT NULL,
    checked_at    TEXT NOT NULL
);

CREATE TABLE risk_level_changes (
    id            INTEGER PRIMARY KEY,
    onboarding_id INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    level         TEXT NOT NULL,
    previous      TEXT,
    signals       TEXT NOT NULL DEFAULT '[]',
    at            TEXT NOT NULL
);
CREATE INDEX risk_level_changes_onboarding ON risk_level_changes(onboarding_id, at);
