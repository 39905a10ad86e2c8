-- Anonymous office-hours questions name no actor in the audit log (the asker
-- stays known only to the one-vote rule inside the questions table).
UPDATE audit_events SET actor_id = NULL
 WHERE entity = 'question' AND action = 'ask'
   AND entity_id IN (SELECT id FROM questions WHERE anonymous);
