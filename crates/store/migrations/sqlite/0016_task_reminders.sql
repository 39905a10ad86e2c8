-- When the "due tomorrow" reminder of a task went out (once; cleared when
-- its due date moves).
ALTER TABLE tasks ADD COLUMN reminded_at TEXT;
