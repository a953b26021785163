-- The first delivery of a retried webhook (same client, same Idempotency-Key).
SELECT id, status, result::text AS result, false AS created
FROM relay_webhooks
WHERE client_id = :#client_id AND idempotency_key = :#idempotency_key
