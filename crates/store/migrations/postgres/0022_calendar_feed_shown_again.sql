-- The feed address can be shown to its owner again: the secret is kept
-- beside its hash (which feeds are still looked up by). Addresses made
-- before this have none and are shown again only once replaced.
ALTER TABLE calendar_tokens ADD COLUMN secret TEXT;
