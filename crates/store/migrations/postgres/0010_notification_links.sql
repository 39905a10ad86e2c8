-- Where a notification leads (a path in Onramp): the thing it is about.
ALTER TABLE notifications ADD COLUMN link TEXT;
