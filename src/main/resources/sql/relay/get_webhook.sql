-- GET /webhook/{id}: only the client that sent it may read it.
SELECT id, status, received_at, completed_at, attempts, result::text AS result, last_error
FROM relay_webhooks
WHERE id = :#id AND client_id = :#clientId
