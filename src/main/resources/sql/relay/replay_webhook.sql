-- Queue a dead webhook again, with fresh attempts; only its own client may. Nothing is
-- returned for another status (the caller gets 409) or another client (404).
UPDATE relay_webhooks
SET status = 'queued', attempts = 0, available_at = now(), lease_owner = NULL, lease_until = NULL
WHERE id = :#id AND client_id = :#clientId AND status = 'dead'
RETURNING id, status
