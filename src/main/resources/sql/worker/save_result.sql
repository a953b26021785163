UPDATE worker_processed SET result = CAST(:#resultJson AS jsonb), outcome = 'completed'
WHERE webhook_id = :#webhookId
