-- In process (all-in-one): the worker keeps its result (save_result.sql) and records it at the
-- relay (relay/record_result.sql) in one statement, inside the transaction that applied the
-- webhook: one round trip fewer per webhook. The relay's update is record_result.sql's.
WITH saved AS (
    UPDATE worker_processed SET result = CAST(:#result AS jsonb), outcome = 'completed'
    WHERE webhook_id = :#id
)
UPDATE relay_webhooks SET
    status       = CASE WHEN :#outcome <> 'retry' THEN :#outcome
                        WHEN attempts >= :#max_attempts THEN 'dead'
                        ELSE 'queued' END,
    result       = CASE WHEN :#outcome <> 'retry' THEN CAST(:#result AS jsonb) ELSE result END,
    completed_at = CASE WHEN :#outcome <> 'retry' THEN now() ELSE completed_at END,
    available_at = CASE WHEN :#outcome = 'retry'
                        THEN now() + make_interval(secs => least(power(2, attempts), 300))
                        ELSE available_at END,
    last_error   = CASE WHEN :#outcome = 'retry' THEN :#error ELSE last_error END,
    lease_owner  = NULL,
    lease_until  = NULL
WHERE id = :#id
  AND (status IN ('queued', 'processing') OR (status = 'dead' AND :#outcome <> 'retry'))
RETURNING status, result::text AS result
