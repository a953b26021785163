-- memory_keeper: completed sessions older than the configured age are archived (still readable
-- and searchable, left out of list_sessions unless asked for).
UPDATE sessions SET status = 'archived', archived_at = now()
WHERE status = 'completed' AND completed_at < now() - make_interval(secs => :#archive_after_seconds)
