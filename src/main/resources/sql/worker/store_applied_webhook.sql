-- In process, a webhook run on its caller's thread (worker/HandOff.runInline: a sync session
-- command, or a sync read-only git task), last in
-- the transaction that applied it: the relay's row, as record_result.sql leaves a finished
-- webhook (one attempt, no lease), and the worker's exactly-once marker with its result, in one
-- statement. The webhook's id is new and known to no one until this commits, so no earlier
-- delivery can have applied it (begin_delivery.sql would find nothing). All of it commits with
-- the command's effect, or none of it.
WITH webhook AS (
    INSERT INTO relay_webhooks (id, client_id, payload, status, attempts, completed_at, result)
    VALUES (:#id, :#client_id, CAST(:#payload AS jsonb), :#outcome, 1, now(), CAST(:#result AS jsonb))
    RETURNING id
)
INSERT INTO worker_processed (webhook_id, outcome, result)
SELECT id, 'completed', CAST(:#result AS jsonb) FROM webhook
RETURNING webhook_id
