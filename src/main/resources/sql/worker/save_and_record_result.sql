-- In process (all-in-one): the worker keeps its result (as save_result.sql does) and records it
-- at the relay in one statement, inside the transaction that applied the webhook: one round trip
-- fewer per webhook. The outcome here is final (completed, or failed for an error result), as
-- relay/record_result.sql records a final outcome; retries never come this way.
WITH saved AS (
    UPDATE worker_processed SET result = CAST(:#result AS jsonb), outcome = 'completed'
    WHERE webhook_id = :#id
)
UPDATE relay_webhooks
SET status = :#outcome, result = CAST(:#result AS jsonb), completed_at = now(),
    lease_owner = NULL, lease_until = NULL
WHERE id = :#id AND status IN ('queued', 'processing', 'dead')
RETURNING status, result::text AS result
