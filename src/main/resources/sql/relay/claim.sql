-- A worker claims up to :max webhooks with a lease: the oldest queued ones that are due, and
-- any whose lease expired (redelivered). A lease that expired on the last allowed attempt makes
-- the webhook dead instead. Each branch reads its own partial index in received_at or
-- lease_until order (a plain index scan, which skips entries it has seen dead before).
WITH expired AS (
    UPDATE relay_webhooks
    SET status = 'dead', lease_owner = NULL,
        last_error = COALESCE(last_error, 'lease expired on the last attempt')
    WHERE status = 'processing' AND lease_until < now() AND attempts >= :#max_attempts
    RETURNING id
), due AS (
    SELECT id, received_at FROM relay_webhooks
    WHERE status = 'queued' AND available_at <= now()
    ORDER BY received_at
    LIMIT :#max
    FOR UPDATE SKIP LOCKED
), lapsed AS (
    SELECT id, received_at FROM relay_webhooks
    WHERE status = 'processing' AND lease_until < now() AND attempts < :#max_attempts
    ORDER BY lease_until
    LIMIT :#max
    FOR UPDATE SKIP LOCKED
), next AS (
    SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) AS candidates
    ORDER BY received_at
    LIMIT :#max
), claimed AS (
    UPDATE relay_webhooks w
    SET status = 'processing', attempts = w.attempts + 1, lease_owner = :#worker_id,
        lease_until = now() + make_interval(secs => :#lease_seconds)
    FROM next
    WHERE w.id = next.id
    RETURNING w.id, w.payload, w.attempts, w.received_at, w.client_id
)
SELECT COALESCE(json_agg(json_build_object('id', id, 'payload', payload, 'attempts', attempts, 'client_id', client_id)
                         ORDER BY received_at), '[]')::text
FROM claimed
