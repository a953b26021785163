-- The stores of a group of sync callers applied in one transaction (worker/GroupStores), as
-- store_memory.sql stores each, by one statement: one round trip and one statement's start-up
-- for the group instead of one per memory. Each array holds one element per memory, in the
-- group's order; their sessions are all different (a session's later commands run on their own,
-- after it), so no two rows can meet on a key, and each key is chosen after its session's lock,
-- as there. The sessions are locked in the arrays' order, the order in which a group takes its
-- sessions' locks; a session that does not exist returns no row (its command then runs its own
-- statement, which says so).
WITH input AS (
    SELECT *
    FROM unnest(CAST(:#session_ids AS text[]), CAST(:#keys AS text[]), CAST(:#types AS text[]),
                CAST(:#contents AS text[]), CAST(:#tags AS text[]))
         WITH ORDINALITY AS m (session_id, key, type, content, tags, ord)
), locked_sessions AS MATERIALIZED (
    SELECT m.ord FROM input m JOIN sessions s ON s.session_id = m.session_id
    ORDER BY m.ord
    FOR UPDATE OF s
)
INSERT INTO memories (session_id, key, type, content, tags)
SELECT m.session_id,
       COALESCE(NULLIF(m.key, ''), app_next_memory_key(m.session_id, m.type)),
       m.type,
       CAST(m.content AS jsonb),
       ARRAY(SELECT jsonb_array_elements_text(CAST(m.tags AS jsonb)))
FROM input m JOIN locked_sessions l ON l.ord = m.ord
ORDER BY m.ord
ON CONFLICT (session_id, key) DO UPDATE SET
    type = EXCLUDED.type, content = EXCLUDED.content, tags = EXCLUDED.tags, deleted_at = NULL
RETURNING session_id,
          json_build_object('session_id', session_id, 'key', key, 'type', type, 'version', version,
                            'action', CASE WHEN version = 1 THEN 'created' ELSE 'updated' END,
                            'created', created_at, 'updated', updated_at)::text AS result
