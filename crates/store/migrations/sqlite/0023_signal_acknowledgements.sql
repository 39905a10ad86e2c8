-- An early-warning signal of an onboarding acknowledged with a note: it
-- does not count towards the onboarding's level for two weeks.
CREATE TABLE signal_acknowledgements (
    onboarding_id INTEGER NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
    signal        TEXT NOT NULL,
    note          TEXT NOT NULL,
    by_id         INTEGER REFERENCES people(id),
    at            TEXT NOT NULL,
    PRIMARY KEY (onboarding_id, signal)
);
