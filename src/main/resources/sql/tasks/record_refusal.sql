-- A refused task is recorded too (who asked, what, when, why), after its webhook rolled back,
-- under the id app_task_id (V13–V15) chooses, as in start_task.sql.
INSERT INTO tasks (task_id, kind, task_type, input, status, error, requested_by, completed_at)
VALUES (app_task_id(:#task_id), 'local', :#action_type, CAST(:#input AS jsonb), 'rejected', :#refusal_reason,
        :#requested_by, now())
ON CONFLICT (task_id) DO NOTHING
