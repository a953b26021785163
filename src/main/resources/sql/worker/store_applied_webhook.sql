-- In process, a webhook run on its caller's thread (worker/HandOff.runInline: a sync session
-- command, or a sync read-only git task), last in the transaction that applied it: the relay's
-- row, as record_result.sql leaves a finished webhook (one attempt, no lease), with its result.
-- It needs no exactly-once marker in worker_processed: its id is new and known to no one until
-- this commits, and the row is born finished, so it is never claimed, never redelivered and
-- never applied again (begin_delivery.sql would have nothing to find). The row commits with the
-- command's effect, or neither does. (Until session 20 this statement also inserted the marker,
-- with a second copy of the result: one more row, index entry and jsonb parse per sync command.)
INSERT INTO relay_webhooks (id, client_id, payload, status, attempts, completed_at, result)
VALUES (:#id, :#client_id, CAST(:#payload AS jsonb), :#outcome, 1, now(), CAST(:#result AS jsonb))
RETURNING id
