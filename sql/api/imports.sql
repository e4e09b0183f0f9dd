-- sql/api/imports.sql — import and export: HSDS 3.0, the project's JSON, CSV; by external id (issue 15).
--
-- One current definition of each function, trigger and view; `socialekaart migrate` applies
-- this file whenever the release's SQL code changes (server/cli/migrate.c). Edit in place.
-- Licensed under the EUPL
--
-- The rows come from the file parsers in common/import.c (the CLI and POST /api/v1/imports): one
-- element per row, {"row": n, "entry": {...}, "errors": [...]}, where entry has the API's entry
-- shape plus kind, external_id, organisation {external_id, name} and place_external_id (an
-- activity's place by its external id), with vocabulary codes as the file gave them; errors are the
-- C validator's (validate_entry) for the row's shape. Here codes are mapped to the vocabularies
-- and each row goes through the same create and update functions as an API write
-- (sk_mod_entry_create / sk_mod_entry_update: the same rules, scope checks and moderation).

-- A label as we compare it: lower case, without accents, words separated by one space.
CREATE OR REPLACE FUNCTION sk_import_norm(p text) RETURNS text LANGUAGE sql STABLE
    RETURN btrim(regexp_replace(lower(sk_unaccent(coalesce(p, ''))), '[^a-z0-9+]+', ' ', 'g'));

-- The vocabularies a file's codes are mapped to, with their labels.
CREATE OR REPLACE VIEW sk_import_terms AS
    SELECT 'themes'::text AS vocab, code, label_nl, label_en FROM themes WHERE retired_at IS NULL
    UNION ALL SELECT 'audiences', code, label_nl, label_en FROM audiences WHERE retired_at IS NULL
    UNION ALL SELECT 'accessibility', code, label_nl, label_en FROM accessibility_features WHERE retired_at IS NULL
    UNION ALL SELECT 'support-kinds', code, label_nl, label_en FROM support_kinds WHERE retired_at IS NULL;

-- Words other sociale kaarten and HSDS taxonomies use for our terms (normalised as sk_import_norm).
-- Kept small on purpose: what is not here is reported as unmapped, so a moderator can decide.
-- plpgsql, not sql: its plan is cached for the session, also across subtransactions (see sk_iso).
CREATE OR REPLACE FUNCTION sk_import_synonym(p_vocab text, p_norm text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT s.code FROM (VALUES
        ('themes', 'sport', 'beweging'), ('themes', 'sports', 'beweging'), ('themes', 'bewegen', 'beweging'),
        ('themes', 'exercise', 'beweging'), ('themes', 'ontmoeting', 'ontmoeten'), ('themes', 'eenzaamheid', 'ontmoeten'),
        ('themes', 'loneliness', 'ontmoeten'), ('themes', 'schulden', 'geldzaken'), ('themes', 'armoede', 'geldzaken'),
        ('themes', 'debt', 'geldzaken'), ('themes', 'taal', 'leren'), ('themes', 'education', 'leren'),
        ('themes', 'cultuur', 'vrije-tijd'), ('themes', 'hobby', 'vrije-tijd'), ('themes', 'recreation', 'vrije-tijd'),
        ('themes', 'burenhulp', 'omzien-naar-elkaar'), ('themes', 'opvoeding', 'opgroeien'),
        ('themes', 'volunteering', 'vrijwilligerswerk'), ('themes', 'informal care', 'mantelzorg'),
        ('themes', 'food', 'voeding'), ('themes', 'dementia', 'dementie'), ('themes', 'mental health', 'mentale-gezondheid'),
        ('audiences', 'senioren', 'ouderen'), ('audiences', '65+', 'ouderen'), ('audiences', 'seniors', 'ouderen'),
        ('audiences', 'older adults', 'ouderen'), ('audiences', 'jeugd', 'jongeren'), ('audiences', 'youth', 'jongeren'),
        ('audiences', 'children', 'kinderen'), ('audiences', 'adults', 'volwassenen'), ('audiences', 'gezinnen', 'ouders'),
        ('audiences', 'families', 'ouders'), ('audiences', 'carers', 'mantelzorgers'),
        ('audiences', 'caregivers', 'mantelzorgers'), ('audiences', 'everyone', 'iedereen'),
        ('audiences', 'alle leeftijden', 'iedereen'), ('audiences', 'statushouders', 'nieuwkomers'),
        ('audiences', 'refugees', 'nieuwkomers'), ('audiences', 'minima', 'laag-inkomen'),
        ('accessibility', 'rolstoel', 'wheelchair'), ('accessibility', 'wheelchair accessible', 'wheelchair'),
        ('accessibility', 'invalidentoilet', 'toilets_wheelchair'), ('accessibility', 'ringleiding', 'hearing_loop'),
        ('accessibility', 'gratis', 'free_of_charge'), ('accessibility', 'b1', 'easy_language'),
        ('support-kinds', 'lotgenoten', 'peer-contact'), ('support-kinds', 'cursus', 'training'),
        ('support-kinds', 'advies', 'advice'), ('support-kinds', 'informatie', 'advice'),
        ('support-kinds', 'logeren', 'respite'), ('support-kinds', 'respite care', 'respite')
    ) s(vocab, word, code) WHERE s.vocab = p_vocab AND s.word = p_norm);
END;
$$;

-- Every way a file may name a term, as one lookup object built once per import call (per-value
-- queries cost more than the rest of a row): {vocab: {code or normalised label or synonym: code}};
-- areas as {code: code, "<municipality> <normalised name>": code}; municipalities likewise.
CREATE OR REPLACE FUNCTION sk_import_lookup() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_object_agg(v.vocab, v.m) FROM (
        SELECT t.vocab, jsonb_object_agg(t.k, t.code) AS m FROM (
            SELECT DISTINCT ON (x.vocab, x.k) x.vocab, x.k, x.code FROM (
                SELECT vocab, sk_import_norm(label_en) AS k, code, 3 AS pri FROM sk_import_terms WHERE label_en IS NOT NULL
                UNION ALL SELECT vocab, sk_import_norm(label_nl), code, 2 FROM sk_import_terms
                UNION ALL SELECT vocab, code, code, 1 FROM sk_import_terms
                UNION ALL SELECT 'areas', code, code, 1 FROM areas WHERE retired_at IS NULL AND kind <> 'municipality'
                UNION ALL SELECT 'areas', municipality || ' ' || sk_import_norm(name), code, 2 FROM areas
                           WHERE retired_at IS NULL AND kind <> 'municipality'
                UNION ALL SELECT 'areas', a.municipality || ' ' || sk_import_norm(x), a.code, 3
                            FROM areas a, unnest(a.aliases) x WHERE a.retired_at IS NULL AND a.kind <> 'municipality'
                UNION ALL SELECT 'municipalities', code, code, 1 FROM areas WHERE kind = 'municipality'
                UNION ALL SELECT 'municipalities', substr(code, 3), code, 1 FROM areas WHERE kind = 'municipality'
                UNION ALL SELECT 'municipalities', sk_import_norm(name), code, 2 FROM areas WHERE kind = 'municipality'
            ) x WHERE x.k <> '' ORDER BY x.vocab, x.k, x.pri, x.code) t
        GROUP BY t.vocab) v
$$;

-- A term by the lookup (sk_import_lookup): its code, a label, a synonym; NULL when none.
CREATE OR REPLACE FUNCTION sk_import_term(p_lookup jsonb, p_vocab text, p_value text) RETURNS text
    LANGUAGE sql STABLE
    RETURN coalesce(p_lookup->p_vocab->>lower(btrim(p_value)), p_lookup->p_vocab->>sk_import_norm(p_value),
                    sk_import_synonym(p_vocab, sk_import_norm(p_value)));

-- A municipality given as its CBS code (GM0512, 0512) or its name; the value itself when none.
CREATE OR REPLACE FUNCTION sk_import_municipality(p_value text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT a.code FROM areas a WHERE a.kind = 'municipality'
            AND (a.code = upper(btrim(p_value)) OR a.code = 'GM' || btrim(p_value)
                 OR sk_import_norm(a.name) = sk_import_norm(p_value))
          ORDER BY a.retired_at NULLS FIRST LIMIT 1),
        p_value)
$$;

-- An accessibility value as the file gave it (ja, nee, beperkt, true, ...) as one of our values.
CREATE OR REPLACE FUNCTION sk_import_facet_value(p jsonb) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN jsonb_typeof(p) = 'boolean' THEN CASE WHEN p = 'true'::jsonb THEN 'yes' ELSE 'no' END
                WHEN lower(p #>> '{}') IN ('yes', 'ja', 'j', 'y', 'true', 'waar', '1', 'x') THEN 'yes'
                WHEN lower(p #>> '{}') IN ('no', 'nee', 'n', 'false', 'onwaar', '0') THEN 'no'
                WHEN lower(p #>> '{}') IN ('limited', 'beperkt', 'deels', 'gedeeltelijk') THEN 'limited'
                ELSE lower(p #>> '{}') END;

-- The entry with its codes mapped: themes, audiences, for_whom, areas, accessibility, support_kind,
-- municipality. What cannot be mapped is dropped and listed in unmapped ({field, value}).
CREATE OR REPLACE FUNCTION sk_import_map(b jsonb, p_lookup jsonb, OUT doc jsonb, OUT unmapped jsonb)
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    f text;
    v_vocab text;
    v text;
    c text;
    v_list text[];
    v_acc jsonb;
    kv record;
    m text;
BEGIN
    doc := b;
    unmapped := '[]';
    IF jsonb_typeof(b->'municipality') = 'string' THEN
        doc := jsonb_set(doc, '{municipality}', to_jsonb(coalesce(p_lookup->'municipalities'->>upper(btrim(b->>'municipality')),
                                                                  p_lookup->'municipalities'->>sk_import_norm(b->>'municipality'),
                                                                  b->>'municipality')));
    END IF;
    m := doc->>'municipality';
    FOREACH f IN ARRAY ARRAY['themes', 'audiences', 'for_whom', 'areas'] LOOP
        CONTINUE WHEN jsonb_typeof(b->f) IS DISTINCT FROM 'array';
        v_vocab := CASE f WHEN 'themes' THEN 'themes' WHEN 'areas' THEN 'areas' ELSE 'audiences' END;
        v_list := '{}';
        FOR v IN SELECT x FROM jsonb_array_elements_text(b->f) x LOOP
            c := CASE WHEN v_vocab = 'areas'
                      THEN coalesce(p_lookup->'areas'->>btrim(v), p_lookup->'areas'->>(m || ' ' || sk_import_norm(v)))
                      ELSE sk_import_term(p_lookup, v_vocab, v) END;
            IF c IS NULL THEN
                unmapped := unmapped || jsonb_build_object('field', f, 'value', v);
            ELSIF NOT c = ANY (v_list) THEN
                v_list := v_list || c;
            END IF;
        END LOOP;
        doc := jsonb_set(doc, ARRAY[f], to_jsonb(v_list));
    END LOOP;
    IF jsonb_typeof(b->'accessibility') = 'object' THEN
        v_acc := '{}';
        FOR kv IN SELECT key, value FROM jsonb_each(b->'accessibility') LOOP
            c := sk_import_term(p_lookup, 'accessibility', kv.key);
            IF c IS NULL THEN
                unmapped := unmapped || jsonb_build_object('field', 'accessibility', 'value', kv.key);
            ELSE
                v_acc := v_acc || jsonb_build_object(c, sk_import_facet_value(kv.value));
            END IF;
        END LOOP;
        doc := jsonb_set(doc, '{accessibility}', v_acc);
    END IF;
    IF jsonb_typeof(b->'support_kind') = 'string' THEN
        c := sk_import_term(p_lookup, 'support-kinds', b->>'support_kind');
        IF c IS NULL THEN
            -- required for carer support: left as given, so the entry's rules name it
            unmapped := unmapped || jsonb_build_object('field', 'support_kind', 'value', b->>'support_kind');
        ELSE
            doc := jsonb_set(doc, '{support_kind}', to_jsonb(c));
        END IF;
    END IF;
END;
$$;

-- The external id of the entry an import creates, set as it is inserted (sk_import_row sets
-- sk.import_external_id around its sk_mod_entry_create): a second UPDATE per row would run every
-- entry trigger (search, feeds, occurrences, webhooks) twice.
CREATE OR REPLACE FUNCTION sk_import_external_id_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.external_id := nullif(current_setting('sk.import_external_id', true), '');
    RETURN NEW;
END;
$$;
CREATE OR REPLACE TRIGGER entries_import_external_id BEFORE INSERT ON entries
    FOR EACH ROW WHEN (NEW.external_id IS NULL) EXECUTE FUNCTION sk_import_external_id_trg();

-- One line of the report.
CREATE OR REPLACE FUNCTION sk_import_line(p_n int, p_ext text, p_kind text, p_action text, p_id uuid, p_errors jsonb,
                                          p_unmapped jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN jsonb_build_object('row', p_n, 'external_id', p_ext, 'kind', p_kind, 'action', p_action, 'id', p_id,
                              'errors', coalesce(p_errors, '[]'), 'unmapped', coalesce(p_unmapped, '[]'));

-- A refusal (403, 404, 409, ...) of the entry functions as an error of the row.
CREATE OR REPLACE FUNCTION sk_import_refusal(res sk_response) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN res.status = 422 OR jsonb_typeof(res.body::jsonb->'errors') = 'array' THEN res.body::jsonb->'errors'
                ELSE jsonb_build_array(sk_err('', coalesce(res.body::jsonb->>'detail', 'was refused (' || res.status || ')')))
           END;

-- The organisation of a row: p_defaults.organisation_id (the CLI's --organisation), else by the row's
-- organisation.external_id, else by its exact name; created (home: the row's municipality) when
-- missing. Returns the id, or NULL with errors.
CREATE OR REPLACE FUNCTION sk_import_org(b jsonb, p_m text, p_defaults jsonb, p_role text, p_org uuid, p_key uuid,
                                         p_scope text[], OUT id uuid, OUT errs jsonb) LANGUAGE plpgsql AS $$
DECLARE
    v_ext text := nullif(btrim(b#>>'{organisation,external_id}'), '');
    v_name text := nullif(btrim(b#>>'{organisation,name}'), '');
    o organisations;
BEGIN
    errs := '[]';
    IF sk_is_uuid(p_defaults->>'organisation_id') THEN
        id := (p_defaults->>'organisation_id')::uuid;
        IF NOT EXISTS (SELECT 1 FROM organisations x WHERE x.id = (p_defaults->>'organisation_id')::uuid) THEN
            id := NULL;
            errs := jsonb_build_array(sk_err('organisation', 'the organisation given for this import does not exist'));
        END IF;
        RETURN;
    END IF;
    IF v_ext IS NOT NULL THEN
        SELECT * INTO o FROM organisations x WHERE x.external_id = v_ext;
    ELSIF v_name IS NOT NULL THEN
        SELECT * INTO o FROM organisations x WHERE lower(x.name) = lower(v_name) ORDER BY x.created_at, x.id LIMIT 1;
    END IF;
    IF o.id IS NOT NULL THEN
        id := o.id;
        RETURN;
    END IF;
    IF v_name IS NULL THEN
        errs := jsonb_build_array(sk_err('organisation.name', 'is required: the organisation that offers this (it is created when it is new)'));
        RETURN;
    END IF;
    IF sk_is_mod(p_role) AND NOT sk_in_scope(p_role, p_scope, p_m) THEN
        errs := sk_import_refusal(sk_out_of_scope(p_scope, p_m));
        RETURN;
    END IF;
    BEGIN
        INSERT INTO organisations (name, municipality, external_id)
        VALUES (v_name, CASE WHEN EXISTS (SELECT 1 FROM areas a WHERE a.code = p_m AND a.kind = 'municipality') THEN p_m END,
                v_ext)
        RETURNING * INTO o;
    EXCEPTION WHEN check_violation OR not_null_violation OR unique_violation OR data_exception THEN
        errs := jsonb_build_array(sk_err('organisation', 'cannot be stored: ' || SQLERRM));
        RETURN;
    END;
    PERFORM sk_audit(p_role, p_org, p_key, 'organisation', o.id::text, NULL, 'create', NULL, sk_org_render(o));
    id := o.id;
END;
$$;

-- Import one row: create, update, unchanged or invalid. Returns its report line.
CREATE OR REPLACE FUNCTION sk_import_row(p_n int, p_in jsonb, p_errors jsonb, p_defaults jsonb, p_lookup jsonb,
                                         p_role text, p_org uuid, p_key uuid, p_scope text[]) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    b jsonb := sk_obj(p_in);
    v_ext text;
    v_kind text;
    v_doc jsonb;
    v_unmapped jsonb;
    v_errs jsonb := coalesce(p_errors, '[]');
    v_org uuid;
    v_place uuid;
    v_m text;
    e entries;
    e2 entries;
    res sk_response;
BEGIN
    IF b IS NULL THEN
        RETURN sk_import_line(p_n, NULL, NULL, 'invalid', NULL, jsonb_build_array(sk_err('', 'must be a JSON object')), NULL);
    END IF;
    v_ext := nullif(btrim(b->>'external_id'), '');
    v_kind := b->>'kind';
    IF v_kind IS NULL OR sk_contract_kind_path(v_kind) IS NULL THEN
        RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', NULL, sk_merge_errors(v_errs,
                   jsonb_build_array(sk_err('kind', 'must be one of: place, activity, vacancy, carer_support, service'))), NULL);
    END IF;
    IF v_ext IS NULL THEN
        v_errs := sk_merge_errors(v_errs, jsonb_build_array(sk_err('external_id',
                      'is required: the id of this row in your own system, so a second import updates it')));
    END IF;
    IF NOT sk_given(b->'municipality') AND jsonb_typeof(p_defaults->'municipality') = 'string' THEN
        b := b || jsonb_build_object('municipality', p_defaults->'municipality');
    END IF;
    SELECT x.doc, x.unmapped INTO v_doc, v_unmapped FROM sk_import_map(b, p_lookup) x;
    v_m := v_doc->>'municipality';

    IF jsonb_typeof(v_doc->'place_external_id') = 'string' THEN
        SELECT p.id INTO v_place FROM entries p
         WHERE p.external_id = v_doc->>'place_external_id' AND p.kind = 'place' AND p.status <> 'deleted';
        IF v_place IS NULL THEN
            v_errs := sk_merge_errors(v_errs, jsonb_build_array(sk_err('place_external_id',
                          'is not the external_id of a place in this kaart or earlier in this file')));
        ELSE
            v_doc := v_doc || jsonb_build_object('place_id', v_place);
        END IF;
    END IF;
    v_doc := sk_entry_writable(v_doc - ARRAY['external_id', 'organisation', 'place_external_id']);

    SELECT * INTO e FROM entries x WHERE x.external_id = v_ext;
    IF e.id IS NOT NULL AND e.kind <> v_kind THEN
        v_errs := sk_merge_errors(v_errs, jsonb_build_array(sk_err('kind',
                      format('must stay %s: an entry with this external_id exists as that kind', e.kind))));
    ELSIF e.status = 'deleted' THEN
        v_errs := sk_merge_errors(v_errs, jsonb_build_array(sk_err('external_id',
                      'belongs to an entry that was deleted; give the row a new external_id')));
    END IF;
    -- campaigns (issue 16) are this kaart's own moments: a file's codes that this kaart does not have
    -- are left out (an export from another kaart), and a file without the member keeps the entry's
    v_doc := v_doc || jsonb_build_object('campaigns', CASE
        WHEN jsonb_typeof(v_doc->'campaigns') = 'array' THEN
            (SELECT coalesce(jsonb_agg(x.code ORDER BY x.i), '[]') FROM jsonb_array_elements(v_doc->'campaigns')
                    WITH ORDINALITY AS x(code, i)
              WHERE jsonb_typeof(x.code) <> 'string' OR EXISTS (SELECT 1 FROM campaigns c WHERE c.code = x.code #>> '{}'))
        ELSE to_jsonb(coalesce(e.campaigns, '{}')) END);
    SELECT o.id, sk_merge_errors(v_errs, o.errs) INTO v_org, v_errs
      FROM sk_import_org(b, v_m, p_defaults, p_role, p_org, p_key, p_scope) o;
    IF v_org IS NULL OR jsonb_array_length(v_errs) > 0 AND (e.id IS NULL OR e.kind <> v_kind OR e.status = 'deleted') THEN
        -- nothing to check the entry's own rules against without its organisation; else report them all
        IF v_org IS NULL OR e.id IS NOT NULL THEN
            RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', e.id,
                                  sk_merge_errors(v_errs, sk_entry_complete_errors(v_kind, v_doc, false)
                                                          || sk_entry_code_errors(v_kind, v_doc, NULL)), v_unmapped);
        END IF;
    END IF;
    v_doc := v_doc || jsonb_build_object('organisation_id', v_org);

    IF e.id IS NULL THEN
        -- sk_mod_entry_create without its reply (only moderators and admins import): the scope, then
        -- the entry published at once, as a moderator's own write
        IF v_m IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, v_m) THEN
            RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', NULL, sk_import_refusal(sk_out_of_scope(p_scope, v_m)),
                                  v_unmapped);
        END IF;
        PERFORM set_config('sk.import_external_id', v_ext, true);
        res := sk_entry_create(v_kind, v_doc, v_errs, NULL, p_role, p_org, p_key, 'published');
        PERFORM set_config('sk.import_external_id', '', true);
        IF res.status <> 201 THEN
            RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', NULL, sk_import_refusal(res), v_unmapped);
        END IF;
        RETURN sk_import_line(p_n, v_ext, v_kind, 'create', (res.body::jsonb->>'id')::uuid, '[]', v_unmapped);
    END IF;

    IF sk_is_mod(p_role) AND (NOT sk_in_scope(p_role, p_scope, e.municipality)
                              OR (v_m IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, v_m))) THEN
        RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', NULL,
                              sk_import_refusal(CASE WHEN sk_in_scope(p_role, p_scope, e.municipality)
                                                     THEN sk_out_of_scope(p_scope, v_m) ELSE sk_entry_denied(e) END),
                              v_unmapped);
    END IF;
    -- unchanged: the stored row is what this row would make of it
    IF jsonb_array_length(v_errs) = 0 AND e.organisation_id = v_org THEN
        BEGIN
            e2 := sk_entry_apply(e, v_doc);
            IF sk_entry_render(e2) - 'updated_at' = sk_entry_render(e) - 'updated_at' THEN
                RETURN sk_import_line(p_n, v_ext, v_kind, 'unchanged', e.id, '[]', v_unmapped);
            END IF;
        EXCEPTION WHEN data_exception THEN
            NULL;   -- the update below reports it
        END;
    END IF;
    res := sk_mod_entry_update(v_kind, e.id, v_doc, false, NULL, v_errs, p_role, p_org, p_key, p_scope);
    IF res.status <> 200 THEN
        RETURN sk_import_line(p_n, v_ext, v_kind, 'invalid', e.id, sk_import_refusal(res), v_unmapped);
    END IF;
    RETURN sk_import_line(p_n, v_ext, v_kind, 'update', e.id, '[]', v_unmapped);
END;
$$;

-- The most rows one call takes (the CLI sends batches of 500; POST /api/v1/imports at most this many).
CREATE OR REPLACE FUNCTION sk_import_max_rows() RETURNS int LANGUAGE sql IMMUTABLE RETURN 5000;

-- Import p_rows (see the top of this file). p_apply false: everything is done and then rolled back,
-- so the report is the one an apply would give. p_defaults: {"municipality"?, "organisation_id"?}
-- for rows that do not say, "all_or_nothing"? (true: nothing is written when a row is invalid). A moderator imports in their municipalities only, and publishes at once
-- as with their own writes; partners cannot import.
CREATE OR REPLACE FUNCTION sk_import(p_rows jsonb, p_apply boolean, p_defaults jsonb, p_role text, p_org uuid,
                                     p_key uuid, p_scope text[]) RETURNS sk_response LANGUAGE plpgsql AS $$
DECLARE
    v_lines jsonb[] := '{}';
    v_line jsonb;
    r record;
    v_defaults jsonb := coalesce(sk_obj(p_defaults), '{}');
    v_summary jsonb;
    v_lookup jsonb := sk_import_lookup();
    v_applied boolean := coalesce(p_apply, false);
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF jsonb_typeof(p_rows) IS DISTINCT FROM 'array' THEN
        RETURN sk_bad_field('rows', 'must be a list of rows');
    END IF;
    IF jsonb_array_length(p_rows) > sk_import_max_rows() THEN
        RETURN sk_problem(413, NULL, format('An import takes at most %s rows at a time; this one has %s. Split the file.',
                                                      sk_import_max_rows(), jsonb_array_length(p_rows)));
    END IF;
    IF jsonb_typeof(v_defaults->'municipality') = 'string' THEN
        v_defaults := jsonb_set(v_defaults, '{municipality}', to_jsonb(sk_import_municipality(v_defaults->>'municipality')));
        IF NOT sk_in_scope(p_role, p_scope, v_defaults->>'municipality') THEN
            RETURN sk_out_of_scope(p_scope, v_defaults->>'municipality');
        END IF;
    END IF;
    BEGIN
        FOR r IN SELECT x.v, x.i FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS x(v, i) ORDER BY x.i LOOP
            BEGIN
                v_line := sk_import_row(coalesce(sk_whole(r.v->'row')::int, r.i::int), r.v->'entry', r.v->'errors',
                                        v_defaults, v_lookup, p_role, p_org, p_key, p_scope);
            EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
                v_line := sk_import_line(coalesce(sk_whole(r.v->'row')::int, r.i::int), r.v#>>'{entry,external_id}',
                                         r.v#>>'{entry,kind}', 'invalid', NULL,
                                         jsonb_build_array(sk_err('', 'cannot be stored: ' || SQLERRM)), NULL);
            END;
            v_lines := v_lines || v_line;
        END LOOP;
        -- p_defaults.all_or_nothing (POST /api/v1/imports): one bad row and nothing is written
        IF NOT coalesce(p_apply, false)
           OR (v_defaults->'all_or_nothing' = 'true'::jsonb
               AND EXISTS (SELECT 1 FROM unnest(v_lines) l WHERE l->>'action' = 'invalid')) THEN
            v_applied := false;
            RAISE SQLSTATE 'SKDRY';
        END IF;
    EXCEPTION WHEN SQLSTATE 'SKDRY' THEN
        -- the dry run: every change above is rolled back, the report stays (without the ids of
        -- entries that were never made)
        v_lines := ARRAY(SELECT CASE WHEN l->>'action' = 'create' THEN l - 'id' ELSE l END FROM unnest(v_lines) l);
    END;
    SELECT jsonb_build_object(
               'rows', count(*),
               'created', count(*) FILTER (WHERE l->>'action' = 'create'),
               'updated', count(*) FILTER (WHERE l->>'action' = 'update'),
               'unchanged', count(*) FILTER (WHERE l->>'action' = 'unchanged'),
               'invalid', count(*) FILTER (WHERE l->>'action' = 'invalid'),
               'applied', v_applied,
               'unmapped', coalesce((SELECT jsonb_agg(jsonb_build_object('field', u.field, 'value', u.value, 'count', u.n)
                                                      ORDER BY u.n DESC, u.field, u.value)
                                       FROM (SELECT x->>'field' AS field, x->>'value' AS value, count(*) AS n
                                               FROM unnest(v_lines) y, jsonb_array_elements(y->'unmapped') x
                                              GROUP BY 1, 2) u), '[]'))
      INTO v_summary FROM unnest(v_lines) l;
    RETURN sk_reply(200, jsonb_build_object('rows', to_jsonb(v_lines), 'summary', v_summary));
END;
$$;

CREATE OR REPLACE FUNCTION api_import(p_rows jsonb, p_apply boolean, p_defaults jsonb, p_role text, p_org uuid,
                                      p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql AS $$
    SELECT r.* FROM sk_import(p_rows, p_apply, p_defaults, p_role, p_org, p_key, p_scope) r
$$;

-- =============================================================================================
-- Export: published entries in the import's own JSON shape
-- =============================================================================================
-- An id another kaart can import by: the entry's own external id, or ours.
CREATE OR REPLACE FUNCTION sk_export_id(p_external text, p_id uuid) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN coalesce(p_external, 'socialekaart:' || p_id);

CREATE OR REPLACE FUNCTION sk_export_entry(e entries) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(sk_entry_writable(sk_entry_render(e)) - 'place_id')
           || jsonb_build_object('kind', e.kind, 'external_id', sk_export_id(e.external_id, e.id),
                                 'organisation', jsonb_build_object('external_id', sk_export_id(o.external_id, o.id),
                                                                    'name', o.name))
           || CASE WHEN e.place_id IS NOT NULL THEN
                  jsonb_build_object('place_external_id',
                                     (SELECT sk_export_id(p.external_id, p.id) FROM entries p WHERE p.id = e.place_id))
              ELSE '{}' END
      FROM organisations o WHERE o.id = e.organisation_id
$$;

-- The published entries of municipality p_municipality (NULL: of every municipality in scope),
-- places first (activities refer to them), then by external id (the same order in every database),
-- each as sk_export_entry. Moderators and admins.
CREATE OR REPLACE FUNCTION sk_export(p_municipality text, p_role text, p_scope text[]) RETURNS sk_response
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF (sk_mod_only(p_role)).status IS NOT NULL THEN
        RETURN sk_mod_only(p_role);
    END IF;
    IF p_municipality IS NOT NULL AND NOT sk_in_scope(p_role, p_scope, p_municipality) THEN
        RETURN sk_out_of_scope(p_scope, p_municipality);
    END IF;
    RETURN sk_reply(200, coalesce((
        SELECT jsonb_agg(sk_export_entry(e) ORDER BY e.kind <> 'place', sk_export_id(e.external_id, e.id))
          FROM entries e
         WHERE e.status = 'published' AND (p_municipality IS NULL OR e.municipality = p_municipality)
           AND sk_in_scope(p_role, p_scope, e.municipality)), '[]'));
END;
$$;

CREATE OR REPLACE FUNCTION api_export(p_municipality text, p_role text, p_org uuid, p_key uuid, p_scope text[])
    RETURNS TABLE(status int, etag text, location text, body text) LANGUAGE sql STABLE AS $$
    SELECT r.* FROM sk_export(p_municipality, p_role, p_scope) r
$$;
