UPDATE sessions SET
    status        = :#newStatus,
    last_activity = now(),
    completed_at  = CASE WHEN :#newStatus = 'completed' THEN COALESCE(completed_at, now()) ELSE NULL END,
    archived_at   = NULL
WHERE session_id = :#session_id
