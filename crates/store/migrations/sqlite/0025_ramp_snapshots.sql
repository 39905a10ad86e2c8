-- The milestones of a finished onboarding as last computed, and what they
-- were computed from (the onboarding's version and last change): reports
-- read these instead of the onboarding's records until it changes.
CREATE TABLE ramp_snapshots (
    onboarding_id INTEGER PRIMARY KEY REFERENCES onboardings(id) ON DELETE CASCADE,
    fingerprint   TEXT NOT NULL,
    milestones    TEXT NOT NULL,
    computed_at   TEXT NOT NULL
);
