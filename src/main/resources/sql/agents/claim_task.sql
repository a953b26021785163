-- One runner takes the next delegated task; concurrent runners skip the locked ones. A task
-- 'running' for longer than :staleSeconds lost its runner (the app stopped mid-run: its work
-- was rolled back with its transaction) and is taken again, up to :maxAttempts claims in all;
-- after that it fails with a message saying why, instead of being retried forever.
WITH given_up AS (
    UPDATE tasks SET status = 'failed', completed_at = now(),
           error = 'its runner stopped while running it ' || attempts || ' times; not tried again'
    WHERE kind = 'delegated' AND status = 'running' AND attempts >= CAST(:#maxAttempts AS integer)
      AND started_at < now() - make_interval(secs => CAST(:#staleSeconds AS double precision))
)
UPDATE tasks SET status = 'running', started_at = now(), attempts = attempts + 1
WHERE id = (SELECT id FROM tasks
            WHERE kind = 'delegated'
              AND (status = 'pending'
                   OR (status = 'running' AND attempts < CAST(:#maxAttempts AS integer)
                       AND started_at < now() - make_interval(secs => CAST(:#staleSeconds AS double precision))))
            ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, task_id, session_id, agent, task_type, input::text AS input
