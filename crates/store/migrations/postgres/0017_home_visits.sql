-- When a person last opened their home page (`seen_at`), and the start of
-- the visit before the current one (`since`): "what changed since your last
-- visit" lists what others did after `since`.
CREATE TABLE home_visits (
    person_id BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    seen_at   TIMESTAMPTZ NOT NULL,
    since     TIMESTAMPTZ
);
