-- Alert dispatch: a claim token so one alert is sent by at most one dispatcher at a time (the claim lasts
-- until next_attempt_at, which the claim pushes forward), and the last HTTP status for listings.
ALTER TABLE alert ADD COLUMN claim_token TEXT;
ALTER TABLE alert ADD COLUMN last_status INTEGER;
CREATE INDEX alert_recent ON alert (created_at DESC, id DESC);
