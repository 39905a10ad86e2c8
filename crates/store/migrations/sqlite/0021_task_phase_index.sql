-- Progress per phase of a manager's reports (their home's team panel) is
-- read from this index alone, in phase order, without the table.
CREATE INDEX tasks_onboarding_phase ON tasks(onboarding_id, phase, status, due_date);
