-- Insert, or update the memory with this key (the trigger keeps the previous version in
-- memory_versions and bumps version). Without a key: <type>_<n>, n one above the highest used
-- (app_next_memory_key, an index probe).
-- The session is locked here, in the statement that inserts, rather than by a statement of its
-- own before it (require-session): one round trip fewer per memory, ten in a batch of ten. No row
-- comes back when there is no such session. The lock is granted before the key is chosen, and
-- app_next_memory_key is VOLATILE (V8): under READ COMMITTED, PostgreSQL's default and the app's,
-- it reads with a snapshot taken after the wait, so it sees the memories committed while this
-- statement waited for the lock, and no two stores in a session can pick the same n
-- (ConcurrentStoresTest). Under REPEATABLE READ it would not.
WITH locked_session AS (
    SELECT session_id FROM sessions WHERE session_id = :#session_id FOR UPDATE
)
INSERT INTO memories (session_id, key, type, content, tags)
SELECT s.session_id,
       COALESCE(NULLIF(:#key, ''), app_next_memory_key(s.session_id, :#type)),
       :#type,
       CAST(:#content AS jsonb),
       ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb)))
FROM locked_session s
ON CONFLICT (session_id, key) DO UPDATE SET
    type = EXCLUDED.type, content = EXCLUDED.content, tags = EXCLUDED.tags, deleted_at = NULL
RETURNING json_build_object('session_id', session_id, 'key', key, 'type', type, 'version', version,
                            'action', CASE WHEN version = 1 THEN 'created' ELSE 'updated' END,
                            'created', created_at, 'updated', updated_at)::text
