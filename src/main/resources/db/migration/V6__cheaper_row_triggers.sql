-- The row triggers were more than half of PostgreSQL's time for a stored memory: 0.56 of
-- 0.97 ms per INSERT INTO memories (track_functions and pg_stat_statements, 4,000 sync
-- store_memory from 4 clients). Two of their costs bought nothing:
--   * each search-vector trigger read the text search configuration once per part of the
--     vector (app_ts_config(), four times per memory); it now reads it once per row;
--   * session_counters() turned the whole row into jsonb, its content and search vector
--     included, to read one column (deleted_at) that only memories have; it now reads that
--     column directly, in a statement that only runs for memories (plpgsql resolves a field
--     when the statement first runs, so other tables never ask for it).
-- Same results: the vectors and the counters are computed from the same values as before.

CREATE OR REPLACE FUNCTION memories_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg regconfig := app_ts_config();
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(cfg, replace(NEW.key, '_', ' ')), 'A') ||
        setweight(to_tsvector(cfg, replace(NEW.type, '_', ' ')), 'B') ||
        setweight(to_tsvector(cfg, array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(jsonb_to_tsvector(cfg, NEW.content, '["string", "numeric", "key"]'), 'C');
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION artifacts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg regconfig := app_ts_config();
BEGIN
    NEW.search_vector := setweight(to_tsvector(cfg, NEW.name), 'A') || to_tsvector(cfg, NEW.content);
    RETURN NEW;
END $$;

-- A row counts in its session unless it is a soft-deleted memory.
CREATE OR REPLACE FUNCTION session_counters() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta_old integer := 0;
    delta_new integer := 0;
    is_memory boolean := TG_TABLE_NAME = 'memories';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.session_id IS NOT NULL THEN
        delta_old := 1;
        IF is_memory THEN
            IF OLD.deleted_at IS NOT NULL THEN
                delta_old := 0;
            END IF;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.session_id IS NOT NULL THEN
        delta_new := 1;
        IF is_memory THEN
            IF NEW.deleted_at IS NOT NULL THEN
                delta_new := 0;
            END IF;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.session_id IS NOT DISTINCT FROM NEW.session_id THEN
        IF NEW.session_id IS NOT NULL THEN
            UPDATE sessions SET
                memory_count  = memory_count + CASE WHEN is_memory THEN delta_new - delta_old ELSE 0 END,
                last_activity = now()
            WHERE session_id = NEW.session_id;
        END IF;
        RETURN NULL;
    END IF;
    IF delta_old <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             - CASE WHEN is_memory                          THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count - CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               - CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           - CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = OLD.session_id;
    END IF;
    IF delta_new <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             + CASE WHEN is_memory                          THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count + CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               + CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           + CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = NEW.session_id;
    END IF;
    RETURN NULL;
END $$;
