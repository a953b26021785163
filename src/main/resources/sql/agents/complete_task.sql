UPDATE tasks SET status = 'completed', output = CAST(:#output AS jsonb), completed_at = now() WHERE id = :#id
