-- The outbox looked up by notification (a person's waiting digest items) and
-- by digest (the items a digest gathered): without these, each digest read
-- every delivery, and 10,000 digests took minutes.
CREATE INDEX deliveries_notification ON deliveries(notification_id);
CREATE INDEX deliveries_digest ON deliveries(digest_id);
