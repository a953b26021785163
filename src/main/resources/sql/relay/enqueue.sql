-- Queue an accepted webhook; nothing is returned when its Idempotency-Key was seen before.
INSERT INTO relay_webhooks (id, client_id, idempotency_key, payload)
VALUES (:#id, :#client_id, :#idempotency_key, CAST(:#payload AS jsonb))
ON CONFLICT (client_id, idempotency_key) DO NOTHING
RETURNING id, status, true AS created
