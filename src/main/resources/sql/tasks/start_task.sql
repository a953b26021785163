-- Record a local task before it runs, under the id app_task_id (V13–V15) chooses: a task_id
-- used before, or held right now by a task being recorded or running, gets a suffix no task has,
-- so an assistant that always says "t1" still gets every run recorded and no task waits for
-- another. Nothing is returned when the chosen id was committed meanwhile by a writer that
-- bypasses app_task_id (none in the app): the route answers conflict before anything runs.
INSERT INTO tasks (task_id, session_id, kind, task_type, input, status, requested_by, started_at)
VALUES (app_task_id(:#task_id), :#session_id, 'local', :#action_type, CAST(:#input AS jsonb), 'running',
        :#requested_by, now())
ON CONFLICT (task_id) DO NOTHING
RETURNING task_id
