-- A refused task is recorded too (who asked, what, when, why), after its webhook rolled back.
INSERT INTO tasks (task_id, kind, task_type, input, status, error, requested_by, completed_at)
VALUES (CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE task_id = :#task_id)
             THEN :#task_id || '-' || substr(md5(random()::text), 1, 6) ELSE :#task_id END,
        'local', :#action_type, CAST(:#input AS jsonb), 'rejected', :#refusal_reason, :#requested_by, now())
