-- In process (all-in-one), for a group of session commands applied in one transaction
-- (worker/CommandGroups): what save_and_record_result.sql does for one webhook delivered to this
-- worker, for all of the group's at once, last before it commits: one round trip for the group
-- instead of one per webhook. Each array holds one element per webhook, in the same order. A
-- webhook whose relay row is not in a state to record it comes back without a row, as it does there
-- (a row's id and status: the worker reads only whether one came back, not the result there returned).
WITH w AS (
    SELECT * FROM unnest(CAST(:#ids AS text[]), CAST(:#outcomes AS text[]), CAST(:#results AS text[]))
        AS w (id, outcome, result)
), saved AS (
    UPDATE worker_processed p SET result = CAST(w.result AS jsonb), outcome = 'completed'
    FROM w
    WHERE p.webhook_id = w.id
)
UPDATE relay_webhooks r
SET status = w.outcome, result = CAST(w.result AS jsonb), completed_at = now(),
    lease_owner = NULL, lease_until = NULL
FROM w
WHERE r.id = w.id AND r.status IN ('queued', 'processing', 'dead')
RETURNING r.id, r.status
