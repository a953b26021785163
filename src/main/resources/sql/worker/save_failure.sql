-- A command that failed was rolled back; its error result is kept so a redelivery reports the same.
INSERT INTO worker_processed (webhook_id, outcome, result) VALUES (:#webhookId, 'failed', CAST(:#resultJson AS jsonb))
ON CONFLICT (webhook_id) DO NOTHING
