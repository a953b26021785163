-- A memory extracted from a chunk: key <type>_<n>, tagged 'extracted', pointing back to its chunk.
INSERT INTO memories (session_id, key, type, content, tags, source_chunk_id)
SELECT :#session_id,
       app_next_memory_key(:#session_id, :#type),
       :#type, CAST(:#content AS jsonb),
       ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb))), :#source_chunk_id
RETURNING key
