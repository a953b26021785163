-- Queue an accepted webhook already leased to the in-process worker, which has a free slot for
-- it: the row is what claim.sql would make of it (processing, first attempt, leased), so it is
-- redelivered like any claimed webhook if the app stops before its result. Nothing is returned
-- when its Idempotency-Key was seen before; otherwise also the item a claim would return.
INSERT INTO relay_webhooks (id, client_id, idempotency_key, payload, status, attempts, lease_owner, lease_until)
VALUES (:#id, :#client_id, :#idempotency_key, CAST(:#payload AS jsonb), 'processing', 1, :#worker_id,
        now() + make_interval(secs => :#lease_seconds))
ON CONFLICT (client_id, idempotency_key) DO NOTHING
RETURNING id, status, true AS created,
          json_build_object('id', id, 'payload', payload, 'attempts', attempts, 'client_id', client_id)::text AS claimed
