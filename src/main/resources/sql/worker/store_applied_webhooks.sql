-- In process, for a group of session commands applied in one transaction (worker/CommandGroups):
-- the relay's rows of those run on their callers' threads, as store_applied_webhook.sql leaves
-- one (finished, one attempt, no lease, with its result), all by one statement, last before the
-- group commits: one round trip for the group instead of one per command. Each array holds one
-- element per webhook, in the same order.
INSERT INTO relay_webhooks (id, client_id, payload, status, attempts, completed_at, result)
SELECT w.id, w.client_id, CAST(w.payload AS jsonb), w.outcome, 1, now(), CAST(w.result AS jsonb)
FROM unnest(CAST(:#ids AS text[]), CAST(:#client_ids AS text[]), CAST(:#payloads AS text[]),
            CAST(:#outcomes AS text[]), CAST(:#results AS text[])) AS w (id, client_id, payload, outcome, result)
RETURNING id
