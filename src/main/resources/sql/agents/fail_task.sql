UPDATE tasks SET status = 'failed', error = :#error, completed_at = now() WHERE id = :#id
