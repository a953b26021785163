-- Snippets of long texts. ts_headline parses all of the text it is given: 0.25-0.3 ms per 1,000
-- characters of English words here. A search whose ten hits were artifacts of 200,000 characters
-- took 240-250 ms, most of it making snippets. A snippet is now made from 4,000 characters of the
-- text when they will do: from 1,000 before the first word that starts with one of the query's
-- stems, in any case (the stems are mostly the start of the words they match: decid, storag),
-- provided the query matches within them; otherwise (a stem that is not a prefix, an irregular
-- word-family form, the words of an AND query apart) from the whole text, as before. Texts up to
-- 4,000 characters are used whole, as before. Hits are still found and ranked on their whole text.

-- A query's stems (lexemes, as its text form writes them: 'decid' & ( 'storag' | 'disk' ), with
-- quotes and backslashes doubled; words after - are left out) as a pattern for a word starting with
-- any of them, each stem's characters other than letters and digits escaped. NULL for a query of
-- more than 50 stems (the window is then not used).
CREATE FUNCTION app_query_stems_pattern(q tsquery) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN count(*) BETWEEN 1 AND 50
                THEN '\m(' || string_agg(regexp_replace(stem, '([^[:alnum:]])', '\\\1', 'g'), '|' ORDER BY stem) || ')' END
    FROM (SELECT DISTINCT regexp_replace(m[1], '([''\\])\1', '\1', 'g') AS stem
          FROM regexp_matches(querytree(q), '''((?:[^''\\]|''''|\\\\)+)''', 'g') m) s
$$;

-- The part of a hit's text its snippet is made from. PL/pgSQL, so a text given as an expression
-- (name || content) is computed once; octet_length reads a stored text's size without
-- decompressing it.
CREATE FUNCTION app_snippet_source(config regconfig, body text, q tsquery, stems_pattern text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_at integer;
    win text;
BEGIN
    IF octet_length(body) <= 4000 OR length(body) <= 4000 OR stems_pattern IS NULL THEN
        RETURN body;
    END IF;
    found_at := regexp_instr(body, stems_pattern, 1, 1, 0, 'i');
    IF found_at = 0 THEN
        RETURN body;
    END IF;
    win := substr(body, greatest(1, found_at - 1000), 4000);
    IF to_tsvector(config, win) @@ q THEN
        RETURN win;
    END IF;
    RETURN body;
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
                    'snippet', ts_headline(config, app_snippet_source(config, t.body, p_tsquery, stems_pattern), p_tsquery,
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
