-- Record a local task before it runs. A task_id used before gets a suffix, so an assistant
-- that always says "t1" still gets every run recorded; so does one held right now by a task
-- that is running (its row is not committed until it ends: without the lock this insert would
-- wait for that task, then fail on the unique key). The lock is the transaction's and goes
-- with its commit. Nothing is returned when another task committed this task_id between this
-- statement's start and its lock, a window of microseconds: the route answers conflict.
INSERT INTO tasks (task_id, session_id, kind, task_type, input, status, requested_by, started_at)
SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(:#task_id))
                 AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = :#task_id)
            THEN :#task_id ELSE :#task_id || '-' || substr(md5(random()::text), 1, 6) END,
       :#session_id, 'local', :#action_type, CAST(:#input AS jsonb), 'running', :#requested_by, now()
ON CONFLICT (task_id) DO NOTHING
RETURNING task_id
