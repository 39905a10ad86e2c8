-- When the owners of a task heard that it is overdue (once; cleared when its
-- due date moves).
ALTER TABLE tasks ADD COLUMN overdue_noted_at TEXT;
