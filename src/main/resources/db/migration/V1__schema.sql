-- ai-webhook schema (SPEC §5). Counters, last_activity, memory history and search vectors are
-- maintained by triggers, so they stay right whatever writes the rows, and roll back with them.

CREATE TABLE app_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);
-- the text search configuration used by every search vector (settable: update this row, then re-save rows)
INSERT INTO app_settings (name, value) VALUES ('text_search_config', 'english');

CREATE FUNCTION app_ts_config() RETURNS regconfig LANGUAGE sql STABLE AS
$$ SELECT COALESCE((SELECT value FROM app_settings WHERE name = 'text_search_config'), 'english')::regconfig $$;

-- ---------------------------------------------------------------- sessions
CREATE TABLE sessions (
    row_id                   bigserial   UNIQUE,
    session_id               text        PRIMARY KEY,
    title                    text        NOT NULL,
    participants             text[]      NOT NULL DEFAULT '{}',
    context                  text,
    metadata                 jsonb       NOT NULL DEFAULT '{}',
    status                   text        NOT NULL DEFAULT 'active'
                             CHECK (status IN ('active', 'paused', 'completed', 'archived')),
    created_at               timestamptz NOT NULL DEFAULT now(),
    last_activity            timestamptz NOT NULL DEFAULT now(),
    completed_at             timestamptz,
    archived_at              timestamptz,
    memory_count             integer     NOT NULL DEFAULT 0,
    conversation_chunk_count integer     NOT NULL DEFAULT 0,
    task_count               integer     NOT NULL DEFAULT 0,
    artifact_count           integer     NOT NULL DEFAULT 0
);
CREATE INDEX sessions_status_idx ON sessions (status, row_id DESC);

-- ---------------------------------------------------------------- memories
CREATE SEQUENCE memory_change_seq;

CREATE TABLE memories (
    id              bigserial   PRIMARY KEY,
    session_id      text        NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    key             text        NOT NULL,
    type            text        NOT NULL CHECK (type IN ('idea', 'decision', 'question', 'action_item',
                                   'context', 'preference', 'fact', 'risk', 'note')),
    content         jsonb       NOT NULL,
    tags            text[]      NOT NULL DEFAULT '{}',
    version         integer     NOT NULL DEFAULT 1,
    source_chunk_id text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    change_seq      bigint      NOT NULL DEFAULT nextval('memory_change_seq'),
    search_vector   tsvector,
    UNIQUE (session_id, key)
);
CREATE INDEX memories_session_live_idx ON memories (session_id, change_seq DESC) WHERE deleted_at IS NULL;
CREATE INDEX memories_session_type_idx ON memories (session_id, type, change_seq DESC) WHERE deleted_at IS NULL;
CREATE INDEX memories_tags_idx ON memories USING gin (tags);
CREATE INDEX memories_search_idx ON memories USING gin (search_vector);

-- every earlier version of a memory (written on update and on delete)
CREATE TABLE memory_versions (
    id         bigserial   PRIMARY KEY,
    memory_id  bigint      NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    session_id text        NOT NULL,
    key        text        NOT NULL,
    version    integer     NOT NULL,
    type       text        NOT NULL,
    content    jsonb       NOT NULL,
    tags       text[]      NOT NULL,
    valid_from timestamptz NOT NULL,
    valid_to   timestamptz NOT NULL DEFAULT now(),
    deleted    boolean     NOT NULL DEFAULT false
);
CREATE INDEX memory_versions_memory_idx ON memory_versions (memory_id, version);

-- ---------------------------------------------------------------- conversation chunks
CREATE TABLE conversation_chunks (
    id            bigserial   PRIMARY KEY,
    session_id    text        NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    chunk_id      text        NOT NULL,
    format        text        NOT NULL DEFAULT 'dialogue' CHECK (format IN ('dialogue', 'summary', 'transcript')),
    content       text        NOT NULL,
    participants  text[]      NOT NULL DEFAULT '{}',
    start_time    timestamptz,
    end_time      timestamptz,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector,
    UNIQUE (session_id, chunk_id)
);
CREATE INDEX conversation_chunks_session_idx ON conversation_chunks (session_id, id DESC);
CREATE INDEX conversation_chunks_search_idx ON conversation_chunks USING gin (search_vector);

-- ---------------------------------------------------------------- tasks (delegated work and local tasks)
CREATE TABLE tasks (
    id           bigserial   PRIMARY KEY,
    task_id      text        NOT NULL UNIQUE,
    session_id   text        REFERENCES sessions (session_id) ON DELETE CASCADE,
    kind         text        NOT NULL DEFAULT 'delegated' CHECK (kind IN ('delegated', 'local')),
    agent        text,
    task_type    text,
    input        jsonb       NOT NULL DEFAULT '{}',
    priority     integer     NOT NULL DEFAULT 0,
    status       text        NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'completed', 'failed', 'rejected', 'timeout')),
    output       jsonb,
    error        text,
    requested_by text,
    exit_code    integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    completed_at timestamptz
);
CREATE INDEX tasks_pending_idx ON tasks (agent, priority DESC, id) WHERE status = 'pending';
CREATE INDEX tasks_session_idx ON tasks (session_id, id DESC);

-- ---------------------------------------------------------------- artifacts
CREATE TABLE artifacts (
    id            bigserial   PRIMARY KEY,
    artifact_id   text        NOT NULL UNIQUE,
    session_id    text        NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    task_id       text,
    name          text        NOT NULL,
    artifact_type text        NOT NULL DEFAULT 'document',
    format        text        NOT NULL DEFAULT 'markdown',
    content       text        NOT NULL,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector
);
CREATE INDEX artifacts_session_idx ON artifacts (session_id, id DESC);
CREATE INDEX artifacts_search_idx ON artifacts USING gin (search_vector);

-- ---------------------------------------------------------------- agents
CREATE TABLE agents (
    name           text        PRIMARY KEY,
    description    text        NOT NULL,
    capabilities   text[]      NOT NULL DEFAULT '{}',
    status         text        NOT NULL DEFAULT 'active',
    instance       text,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- relay: the durable queue
CREATE TABLE relay_webhooks (
    id              text        PRIMARY KEY,
    client_id       text        NOT NULL,              -- which API key sent it (a hash prefix, never the key)
    idempotency_key text,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    received_at     timestamptz NOT NULL DEFAULT now(),
    available_at    timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_until     timestamptz,
    completed_at    timestamptz,
    result          jsonb,
    last_error      text,
    UNIQUE (client_id, idempotency_key)
);
CREATE INDEX relay_webhooks_ready_idx ON relay_webhooks (available_at) WHERE status = 'queued';
CREATE INDEX relay_webhooks_leased_idx ON relay_webhooks (lease_until) WHERE status = 'processing';

-- ---------------------------------------------------------------- worker: webhooks already applied
CREATE TABLE worker_processed (
    webhook_id   text        PRIMARY KEY,
    outcome      text        NOT NULL DEFAULT 'completed' CHECK (outcome IN ('completed', 'failed')),
    result       jsonb,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- ================================================================ triggers

-- search vectors
CREATE FUNCTION memories_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(app_ts_config(), replace(NEW.key, '_', ' ')), 'A') ||
        setweight(to_tsvector(app_ts_config(), replace(NEW.type, '_', ' ')), 'B') ||
        setweight(to_tsvector(app_ts_config(), array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(jsonb_to_tsvector(app_ts_config(), NEW.content, '["string", "numeric", "key"]'), 'C');
    RETURN NEW;
END $$;
CREATE TRIGGER memories_search_vector BEFORE INSERT OR UPDATE OF key, type, tags, content ON memories
    FOR EACH ROW EXECUTE FUNCTION memories_search_vector();

CREATE FUNCTION chunks_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := to_tsvector(app_ts_config(), NEW.content);
    RETURN NEW;
END $$;
CREATE TRIGGER chunks_search_vector BEFORE INSERT OR UPDATE OF content ON conversation_chunks
    FOR EACH ROW EXECUTE FUNCTION chunks_search_vector();

CREATE FUNCTION artifacts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := setweight(to_tsvector(app_ts_config(), NEW.name), 'A') ||
                         to_tsvector(app_ts_config(), NEW.content);
    RETURN NEW;
END $$;
CREATE TRIGGER artifacts_search_vector BEFORE INSERT OR UPDATE OF name, content ON artifacts
    FOR EACH ROW EXECUTE FUNCTION artifacts_search_vector();

-- memory history: every update or delete keeps the previous version
CREATE FUNCTION memories_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_versions (memory_id, session_id, key, version, type, content, tags, valid_from, deleted)
    VALUES (OLD.id, OLD.session_id, OLD.key, OLD.version, OLD.type, OLD.content, OLD.tags, OLD.updated_at,
            OLD.deleted_at IS NOT NULL);
    NEW.version    := OLD.version + 1;
    NEW.updated_at := now();
    NEW.change_seq := nextval('memory_change_seq');
    RETURN NEW;
END $$;
CREATE TRIGGER memories_keep_history BEFORE UPDATE ON memories
    FOR EACH ROW EXECUTE FUNCTION memories_keep_history();

-- session counters and last_activity: one function for the four child tables
CREATE FUNCTION session_counters() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta_old integer := 0;
    delta_new integer := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.session_id IS NOT NULL THEN
        delta_old := CASE WHEN TG_TABLE_NAME = 'memories' AND OLD.deleted_at IS NOT NULL THEN 0 ELSE 1 END;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.session_id IS NOT NULL THEN
        delta_new := CASE WHEN TG_TABLE_NAME = 'memories' AND NEW.deleted_at IS NOT NULL THEN 0 ELSE 1 END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.session_id IS NOT DISTINCT FROM NEW.session_id THEN
        UPDATE sessions SET
            memory_count  = memory_count + CASE WHEN TG_TABLE_NAME = 'memories' THEN delta_new - delta_old ELSE 0 END,
            last_activity = now()
        WHERE session_id = NEW.session_id;
        RETURN NULL;
    END IF;
    IF delta_old <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             - CASE WHEN TG_TABLE_NAME = 'memories'            THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count - CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               - CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           - CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = OLD.session_id;
    END IF;
    IF delta_new <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             + CASE WHEN TG_TABLE_NAME = 'memories'            THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count + CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               + CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           + CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = NEW.session_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER memories_session_counters AFTER INSERT OR UPDATE OR DELETE ON memories
    FOR EACH ROW EXECUTE FUNCTION session_counters();
CREATE TRIGGER chunks_session_counters AFTER INSERT OR UPDATE OF session_id OR DELETE ON conversation_chunks
    FOR EACH ROW EXECUTE FUNCTION session_counters();
CREATE TRIGGER tasks_session_counters AFTER INSERT OR UPDATE OF session_id OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION session_counters();
CREATE TRIGGER artifacts_session_counters AFTER INSERT OR UPDATE OF session_id OR DELETE ON artifacts
    FOR EACH ROW EXECUTE FUNCTION session_counters();
