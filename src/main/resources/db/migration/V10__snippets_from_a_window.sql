-- Snippets of long texts. ts_headline parses all of the text it is given, about 0.3 ms per 1,000
-- characters here: a search whose ten hits were artifacts of 200,000 characters took 240-250 ms,
-- nearly all of it making snippets. A snippet is now made from 4,000 characters of the text:
-- from 1,000 before the first place one of the query's stems occurs, in any case (the stems are
-- mostly the start of the words they match: decid, storag), or from the start when none does (a
-- stem that is not a prefix, a word family's irregular form). Texts up to 4,000 characters are
-- used whole, as before. Hits are still found and ranked on their whole text.

-- A query's stems (lexemes, as its text form writes them: 'decid' & ( 'storag' | 'disk' )) as a
-- pattern for any of them, each stem's characters other than letters and digits escaped.
CREATE FUNCTION app_query_stems_pattern(q tsquery) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(DISTINCT regexp_replace(replace(m[1], '''''', ''''), '([^[:alnum:]])', '\\\1', 'g'), '|')
    FROM regexp_matches(q::text, '''((?:[^'']|'''')+)''', 'g') m
$$;

-- The part of a hit's text its snippet is made from. PL/pgSQL, so the text (often an expression
-- such as name || content) is computed once; octet_length reads a stored text's size without
-- decompressing it.
CREATE FUNCTION app_snippet_source(body text, stems_pattern text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    found_at integer;
BEGIN
    IF octet_length(body) <= 4000 OR length(body) <= 4000 THEN
        RETURN body;
    END IF;
    found_at := regexp_instr(body, stems_pattern, 1, 1, 0, 'i');
    RETURN substr(body, greatest(1, coalesce(nullif(found_at, 0), 1) - 1000), 4000);
END $$;

-- As V9's, with each snippet made from app_snippet_source.
CREATE OR REPLACE FUNCTION app_search_hits(p_query text, p_tsquery tsquery, memory_ids bigint[], chunk_ids bigint[],
                                           artifact_ids bigint[], p_limit integer)
RETURNS text LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    config regconfig := app_ts_config();
    stems_pattern text := app_query_stems_pattern(p_tsquery);
    result text;
BEGIN
    SELECT json_build_object(
        'query', p_query,
        'hits', COALESCE(json_agg(json_build_object(
                    'kind', t.kind, 'session_id', t.session_id,
                    'key', CASE WHEN t.kind = 'memory' THEN t.ref END,
                    'id', CASE WHEN t.kind <> 'memory' THEN t.ref END,
                    'memory_type', t.memory_type,
                    'rank', round(t.rank::numeric, 4),
                    'snippet', ts_headline(config, app_snippet_source(t.body, stems_pattern), p_tsquery,
                                           'StartSel=**, StopSel=**, MaxWords=30, MinWords=10, MaxFragments=2'))
                 ORDER BY t.rank DESC, t.at DESC), '[]'::json),
        'count', count(*))::text
    INTO result
    FROM (SELECT * FROM (
            SELECT 'memory' AS kind, m.session_id, m.key AS ref, m.type AS memory_type,
                   CASE WHEN jsonb_typeof(m.content) = 'string' THEN m.content ->> 0 ELSE m.content::text END AS body,
                   ts_rank_cd(m.search_vector, p_tsquery) AS rank, m.updated_at AS at
            FROM memories m WHERE m.id = ANY (memory_ids)
            UNION ALL
            SELECT 'chunk', c.session_id, c.chunk_id, NULL, c.content,
                   ts_rank_cd(c.search_vector, p_tsquery), c.created_at
            FROM conversation_chunks c WHERE c.id = ANY (chunk_ids)
            UNION ALL
            SELECT 'artifact', a.session_id, a.artifact_id, NULL, a.name || E'\n' || a.content,
                   ts_rank_cd(a.search_vector, p_tsquery), a.created_at
            FROM artifacts a WHERE a.id = ANY (artifact_ids)) u
          ORDER BY u.rank DESC, u.at DESC LIMIT p_limit) t;
    RETURN result;
END $$;
