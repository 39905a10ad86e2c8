-- Finding a person's onboardings by any role they hold there (home, my
-- tasks) is one index lookup per role.
CREATE INDEX onboardings_backup_buddy ON onboardings(backup_buddy_id);
CREATE INDEX onboardings_people_connect ON onboardings(people_connect_id);
CREATE INDEX onboardings_enablement ON onboardings(enablement_id);
-- An onboarding's tasks by status and due date (progress and overdue counts
-- per onboarding), instead of every task with that status.
CREATE INDEX tasks_onboarding_status ON tasks(onboarding_id, status, due_date);
