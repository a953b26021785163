-- A refused task is recorded too (who asked, what, when, why), after its webhook rolled back.
-- The task_id as in start_task.sql: a suffix when it was used before or is held by a running task.
INSERT INTO tasks (task_id, kind, task_type, input, status, error, requested_by, completed_at)
SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(:#task_id))
                 AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = :#task_id)
            THEN :#task_id ELSE :#task_id || '-' || substr(md5(random()::text), 1, 6) END,
       'local', :#action_type, CAST(:#input AS jsonb), 'rejected', :#refusal_reason, :#requested_by, now()
ON CONFLICT (task_id) DO NOTHING
