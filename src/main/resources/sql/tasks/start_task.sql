-- Record a local task before it runs. A task_id used before gets a suffix, so an assistant
-- that always says "t1" still gets every run recorded.
INSERT INTO tasks (task_id, session_id, kind, task_type, input, status, requested_by, started_at)
VALUES (CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE task_id = :#task_id)
             THEN :#task_id || '-' || substr(md5(random()::text), 1, 6) ELSE :#task_id END,
        :#session_id, 'local', :#action_type, CAST(:#input AS jsonb), 'running', :#requested_by, now())
RETURNING task_id
