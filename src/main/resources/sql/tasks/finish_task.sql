-- A task's outcome, in the transaction that recorded it (start_task.sql) and ran it. completed_at
-- is the clock's time: now() is the transaction's start, which would make it equal started_at.
UPDATE tasks SET status = :#status, exit_code = :#exit_code, output = CAST(:#output AS jsonb),
                 error = :#error, completed_at = clock_timestamp()
WHERE task_id = :#task_id
