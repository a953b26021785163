UPDATE tasks SET status = :#status, exit_code = :#exit_code, output = CAST(:#output AS jsonb),
                 error = :#error, completed_at = now()
WHERE task_id = :#task_id
