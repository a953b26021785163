-- Queue accepted webhooks for the worker to claim: the ones that arrived together, in one
-- statement and one commit (relay/IntakeBatches). A webhook whose Idempotency-Key was seen
-- before, or earlier in the same group, is not stored and not returned. Run by that bean with
-- Spring's :name parameters: arrays holding one element per webhook, in the same order.
INSERT INTO relay_webhooks (id, client_id, idempotency_key, payload)
SELECT w.id, w.client_id, w.idempotency_key, CAST(w.payload AS jsonb)
FROM unnest(CAST(:ids AS text[]), CAST(:client_ids AS text[]), CAST(:idempotency_keys AS text[]),
            CAST(:payloads AS text[])) AS w (id, client_id, idempotency_key, payload)
ON CONFLICT (client_id, idempotency_key) DO NOTHING
RETURNING id, status
