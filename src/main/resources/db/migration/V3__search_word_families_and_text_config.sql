-- Search that a person expects: `decide` finds `decision`.
--
-- The english snowball stemmer strips inflections (decides, decided -> decid) but not
-- derivations (decision -> decis) or irregular forms (wrote -> wrote). PostgreSQL's own answer
-- is query rewriting (ts_rewrite with a table of target/substitute queries, manual §12.4.2.1):
-- every query word that belongs to a word family is replaced by "any stem of the family".
-- Families live in search_word_families (edit it to add your own, synonyms included); the
-- rewrite table is rebuilt from it by a statement trigger, and when the configuration changes.

CREATE TABLE search_word_families (
    family text NOT NULL,
    word   text NOT NULL,
    PRIMARY KEY (family, word)
);

-- one row per distinct stem of a family with more than one stem. A query is rewritten in two
-- passes, stem -> the family's marker, then marker -> any stem of the family, so a substitute is
-- never rewritten again (one pass would expand `decid | decis` into `decid | decis | decid`).
CREATE TABLE search_rewrites (
    target     tsquery NOT NULL,
    marker     tsquery NOT NULL,
    substitute tsquery NOT NULL
);

CREATE FUNCTION app_refresh_search_rewrites() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_rewrites;
    INSERT INTO search_rewrites (target, marker, substitute)
    WITH stems AS (
        SELECT DISTINCT f.family, s.stem
        FROM search_word_families f,
             LATERAL unnest(tsvector_to_array(to_tsvector(app_ts_config(), f.word))) AS s(stem)
    ), families AS (
        SELECT family, array_agg(stem ORDER BY stem) AS stems
        FROM stems GROUP BY family HAVING count(*) > 1
    )
    SELECT quote_literal(s.stem)::tsquery,
           quote_literal('family:' || f.family)::tsquery,
           array_to_string(ARRAY(SELECT quote_literal(x) FROM unnest(f.stems) AS x), ' | ')::tsquery
    FROM families f, unnest(f.stems) AS s(stem);
END $$;

CREATE FUNCTION search_word_families_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_refresh_search_rewrites();
    RETURN NULL;
END $$;
CREATE TRIGGER search_word_families_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_word_families
    FOR EACH STATEMENT EXECUTE FUNCTION search_word_families_changed();

-- What a person typed, as a tsquery: websearch syntax (never an error), then the word families.
-- Only the rewrite rows whose stem the query mentions are applied (plpgsql keeps the plan), so
-- the cost is microseconds. STABLE (reads tables, writes nothing): usable as an index key.
CREATE FUNCTION app_search_query(typed text) RETURNS tsquery LANGUAGE plpgsql STABLE AS $$
DECLARE
    asked tsquery := websearch_to_tsquery(app_ts_config(), typed);
    rule  record;
    used  tsquery[] := '{}';
BEGIN
    FOR rule IN SELECT target, marker, substitute FROM search_rewrites WHERE asked @> target LOOP
        asked := ts_rewrite(asked, rule.target, rule.marker);
        IF NOT rule.marker = ANY (used) THEN
            used := used || rule.marker;
        END IF;
    END LOOP;
    FOR rule IN SELECT DISTINCT marker, substitute FROM search_rewrites WHERE marker = ANY (used) LOOP
        asked := ts_rewrite(asked, rule.marker, rule.substitute);
    END LOOP;
    RETURN asked;
END $$;

-- Derivations and irregular forms the stemmer does not join (families whose words share a
-- stem are harmless: they produce no rewrite).
INSERT INTO search_word_families (family, word)
SELECT f[1], w
FROM (VALUES
    (ARRAY['decide', 'decision', 'decisive']),
    (ARRAY['divide', 'division']), (ARRAY['provide', 'provision']),
    (ARRAY['include', 'inclusion', 'inclusive']), (ARRAY['conclude', 'conclusion']),
    (ARRAY['exclude', 'exclusion', 'exclusive']), (ARRAY['collide', 'collision']),
    (ARRAY['explode', 'explosion']), (ARRAY['extend', 'extension']), (ARRAY['expand', 'expansion']),
    (ARRAY['permit', 'permission']), (ARRAY['admit', 'admission']), (ARRAY['submit', 'submission']),
    (ARRAY['omit', 'omission']), (ARRAY['transmit', 'transmission']), (ARRAY['emit', 'emission']),
    (ARRAY['suspend', 'suspension']), (ARRAY['comprehend', 'comprehension']),
    (ARRAY['intend', 'intention', 'intent']), (ARRAY['attend', 'attention']),
    (ARRAY['respond', 'response']), (ARRAY['defend', 'defense', 'defence']),
    (ARRAY['offend', 'offense', 'offence']),
    (ARRAY['describe', 'description']), (ARRAY['subscribe', 'subscription']),
    (ARRAY['prescribe', 'prescription']), (ARRAY['receive', 'receipt', 'reception']),
    (ARRAY['perceive', 'perception']), (ARRAY['deceive', 'deception']),
    (ARRAY['consume', 'consumption']), (ARRAY['assume', 'assumption']), (ARRAY['resume', 'resumption']),
    (ARRAY['reduce', 'reduction']), (ARRAY['produce', 'production']), (ARRAY['introduce', 'introduction']),
    (ARRAY['maintain', 'maintenance']), (ARRAY['explain', 'explanation']),
    (ARRAY['repeat', 'repetition']), (ARRAY['compete', 'competition']),
    (ARRAY['solve', 'solution']), (ARRAY['resolve', 'resolution']), (ARRAY['evolve', 'evolution']),
    (ARRAY['absorb', 'absorption']), (ARRAY['destroy', 'destruction']),
    (ARRAY['apply', 'application']), (ARRAY['verify', 'verification']), (ARRAY['specify', 'specification']),
    (ARRAY['notify', 'notification']), (ARRAY['justify', 'justification']), (ARRAY['clarify', 'clarification']),
    (ARRAY['simplify', 'simplification']), (ARRAY['modify', 'modification']),
    (ARRAY['classify', 'classification']), (ARRAY['identify', 'identification']),
    (ARRAY['qualify', 'qualification']), (ARRAY['analyze', 'analyse', 'analysis']),
    (ARRAY['fail', 'failure']), (ARRAY['depart', 'departure']), (ARRAY['serve', 'service']),
    (ARRAY['choose', 'chose', 'chosen', 'choice']), (ARRAY['advise', 'advice']),
    (ARRAY['believe', 'belief']), (ARRAY['prove', 'proof']), (ARRAY['lose', 'lost', 'loss']),
    (ARRAY['grow', 'grew', 'grown', 'growth']), (ARRAY['deep', 'depth']), (ARRAY['long', 'length']),
    (ARRAY['strong', 'strength']), (ARRAY['wide', 'width']), (ARRAY['speak', 'spoke', 'spoken', 'speech']),
    (ARRAY['think', 'thought']), (ARRAY['fly', 'flew', 'flown', 'flight']),
    (ARRAY['write', 'wrote', 'written']), (ARRAY['go', 'went', 'gone']), (ARRAY['do', 'did', 'done']),
    (ARRAY['make', 'made']), (ARRAY['take', 'took', 'taken']), (ARRAY['begin', 'began', 'begun']),
    (ARRAY['break', 'broke', 'broken']), (ARRAY['find', 'found']),
    (ARRAY['forget', 'forgot', 'forgotten']), (ARRAY['build', 'built']), (ARRAY['pay', 'paid', 'payment']),
    (ARRAY['send', 'sent']), (ARRAY['spend', 'spent']), (ARRAY['keep', 'kept']), (ARRAY['meet', 'met']),
    (ARRAY['hold', 'held']), (ARRAY['bring', 'brought']), (ARRAY['teach', 'taught']),
    (ARRAY['catch', 'caught']), (ARRAY['seek', 'sought']), (ARRAY['feel', 'felt']), (ARRAY['tell', 'told']),
    (ARRAY['understand', 'understood']), (ARRAY['win', 'won']), (ARRAY['drive', 'drove', 'driven']),
    (ARRAY['eat', 'ate', 'eaten']), (ARRAY['freeze', 'froze', 'frozen']),
    (ARRAY['throw', 'threw', 'thrown']), (ARRAY['know', 'knew', 'known', 'knowledge']),
    (ARRAY['draw', 'drew', 'drawn']), (ARRAY['show', 'showed', 'shown']), (ARRAY['give', 'gave', 'given']),
    (ARRAY['see', 'saw', 'seen']), (ARRAY['run', 'ran']), (ARRAY['sell', 'sold']), (ARRAY['buy', 'bought']),
    (ARRAY['say', 'said']), (ARRAY['get', 'got', 'gotten']), (ARRAY['hide', 'hid', 'hidden']),
    (ARRAY['rewrite', 'rewrote', 'rewritten']), (ARRAY['undo', 'undid', 'undone'])
) AS v(f), unnest(f) AS w;

-- TEXT_SEARCH_CONFIG: change the configuration and re-save every stored vector in one
-- transaction. The re-save touches no history, counter or last_activity (the triggers below
-- skip it), so nothing a user sees changes but what search finds.
CREATE FUNCTION app_set_text_search_config(config regconfig) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
    total   integer := 0;
BEGIN
    IF app_ts_config() = config THEN
        RETURN 0;
    END IF;
    INSERT INTO app_settings (name, value) VALUES ('text_search_config', config::text)
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
    PERFORM set_config('app.resaving_search_vectors', 'on', true);
    UPDATE memories SET content = content;
    GET DIAGNOSTICS changed = ROW_COUNT; total := total + changed;
    UPDATE conversation_chunks SET content = content;
    GET DIAGNOSTICS changed = ROW_COUNT; total := total + changed;
    UPDATE artifacts SET content = content;
    GET DIAGNOSTICS changed = ROW_COUNT; total := total + changed;
    PERFORM set_config('app.resaving_search_vectors', 'off', true);
    PERFORM app_refresh_search_rewrites();
    RETURN total;
END $$;

DROP TRIGGER memories_keep_history ON memories;
CREATE TRIGGER memories_keep_history BEFORE UPDATE ON memories
    FOR EACH ROW WHEN (current_setting('app.resaving_search_vectors', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION memories_keep_history();
DROP TRIGGER memories_session_counters ON memories;
CREATE TRIGGER memories_session_counters AFTER INSERT OR UPDATE OR DELETE ON memories
    FOR EACH ROW WHEN (current_setting('app.resaving_search_vectors', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION session_counters();

-- A delegated task whose runner died is taken again; one that kills its runner every time
-- (a poison task) must not loop forever: claims are counted, and AGENT_TASK_MAX_ATTEMPTS caps them.
ALTER TABLE tasks ADD COLUMN attempts integer NOT NULL DEFAULT 0;
