SELECT outcome, result::text AS result FROM worker_processed WHERE webhook_id = :#webhookId
