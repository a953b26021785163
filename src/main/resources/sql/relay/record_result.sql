-- A worker's outcome: completed or failed is final; retry puts the webhook back with a
-- backoff (2^attempts seconds, at most 5 minutes), or makes it dead after the last attempt.
-- A final result arriving after the lease ran out on the last attempt still counts: the
-- change was applied, and the caller must see it.
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
