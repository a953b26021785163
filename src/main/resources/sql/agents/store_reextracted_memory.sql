-- Re-extraction never duplicates: a memory with the same chunk, type and content is kept as is.
INSERT INTO memories (session_id, key, type, content, tags, source_chunk_id)
SELECT :#session_id,
       app_next_memory_key(:#session_id, :#type),
       :#type, CAST(:#content AS jsonb), ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb))), :#source_chunk_id
WHERE NOT EXISTS (SELECT 1 FROM memories
                  WHERE session_id = :#session_id AND source_chunk_id = :#source_chunk_id
                    AND type = :#type AND content = CAST(:#content AS jsonb))
RETURNING key
