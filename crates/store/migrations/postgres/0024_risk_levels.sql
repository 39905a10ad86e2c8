-- Each active onboarding's risk level as last recorded by the sweep, with
-- the signals behind it, and every change of level (its history).
CREATE TABLE risk_levels (
    onboarding_id BIGINT PRIMARY KEY REFERENCES onboardings(id) ON DELETE CASCADE,
    level         TEXT NOT NULL,
    signals       JSONB NOT NULL DEFAULT '[]',
    since         TIMESTAMPTZ NOT NULL,
    checked_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE risk_level_changes (
    id            BIGSERIAL PRIMARY KEY,
    onboarding_id BIGINT NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    level         TEXT NOT NULL,
    previous      TEXT,
    signals       JSONB NOT NULL DEFAULT '[]',
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_level_changes_onboarding ON risk_level_changes(onboarding_id, at);
