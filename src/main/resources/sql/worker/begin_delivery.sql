-- First statement of the worker's transaction: mark this webhook as applied. The row commits
-- (or rolls back) with the command's effect, so a redelivery is recognised, never re-applied.
-- A concurrent delivery of the same id waits here until the first one commits or rolls back.
INSERT INTO worker_processed (webhook_id) VALUES (:#webhookId)
ON CONFLICT (webhook_id) DO NOTHING
