-- 0002 data model: areas, vocabularies, exception sets, entries (all four kinds in one table),
-- the audit log and idempotency keys; seeds the areas and vocabularies from shared/domain.
--
-- Validation lives in the daemon (shape, formats, lengths) and in the api_* functions of 0003
-- (vocabulary codes, references, cross-field rules). The CHECK constraints below repeat the
-- rules that can be stated on one row, as a second line of defence: whatever path writes a row,
-- it cannot store an entry the API would have refused. Constraints a client can trip carry a
-- COMMENT of the form 'field: message'; 0003 turns a violation into a 422 naming that field.
--
-- Applied inside one transaction by `socialekaart migrate`; no psql meta-commands here.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- True when every value of a JSON object is a string: the shape of address, contact
-- (phone/email/website) and accessibility (facet -> value). NULL in, NULL out (passes a CHECK).
CREATE FUNCTION sk_is_text_object(j jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN jsonb_typeof(j) <> 'object' THEN false
                ELSE NOT EXISTS (SELECT 1 FROM jsonb_each(j) AS t(k, v) WHERE jsonb_typeof(v) <> 'string')
           END;
END;

-- translations: {"en": {"title": .., "summary": .., "description": ..}, ...}: language keys
-- are ISO 639-1, each value an object of those three strings only, none of them too long.
CREATE FUNCTION sk_translations_ok(j jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN jsonb_typeof(j) <> 'object' THEN false
                ELSE NOT EXISTS (
                    SELECT 1
                      FROM jsonb_each(j) AS t(lang, tr)
                     WHERE CASE WHEN lang !~ '^[a-z]{2}$' OR NOT sk_is_text_object(tr) THEN true
                                ELSE (tr - 'title' - 'summary' - 'description') <> '{}'::jsonb
                                  OR length(coalesce(tr->>'title', '')) > 300
                                  OR length(coalesce(tr->>'summary', '')) > 1000
                                  OR length(coalesce(tr->>'description', '')) > 20000
                           END)
           END;
END;

-- opening_hours: [{"day": "mo".."su", "opens": "09:00", "closes": "17:00"}, ...] with
-- closes after opens on the same day ("24:00" allowed as a closing time).
CREATE FUNCTION sk_opening_hours_ok(j jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN jsonb_typeof(j) <> 'array' THEN false
                ELSE NOT EXISTS (
                    SELECT 1
                      FROM jsonb_array_elements(j) AS x(v)
                     WHERE NOT coalesce(jsonb_typeof(v) = 'object'
                                    AND v->>'day' IN ('mo', 'tu', 'we', 'th', 'fr', 'sa', 'su')
                                    AND v->>'opens' ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
                                    AND v->>'closes' ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
                                    AND v->>'opens' < v->>'closes', false))
           END;
END;

-- cost: {"free": true} or {"amount_eur": 2.5, "discount_pass": true}; amounts never negative.
CREATE FUNCTION sk_cost_ok(j jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(j) <> 'object' THEN false
                WHEN coalesce(jsonb_typeof(j->'free'), 'boolean') <> 'boolean' THEN false
                WHEN coalesce(jsonb_typeof(j->'discount_pass'), 'boolean') <> 'boolean' THEN false
                WHEN j->'amount_eur' IS NULL THEN true
                WHEN jsonb_typeof(j->'amount_eur') <> 'number' THEN false
                ELSE (j->>'amount_eur')::numeric BETWEEN 0 AND 10000
           END;

-- RFC 5545 RRULE subset as stored (the daemon checks the grammar in detail): KEY=VALUE parts
-- joined by ';', FREQ present, COUNT and UNTIL not both. An optional "RRULE:" prefix is kept
-- as given so the rule round-trips exactly.
CREATE FUNCTION sk_rrule_ok(r text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN length(r) <= 500
       AND r ~ '^(RRULE:)?(FREQ|INTERVAL|BYDAY|BYMONTHDAY|BYMONTH|BYSETPOS|COUNT|UNTIL|WKST)=[A-Z0-9,+-]+(;(FREQ|INTERVAL|BYDAY|BYMONTHDAY|BYMONTH|BYSETPOS|COUNT|UNTIL|WKST)=[A-Z0-9,+-]+)*$'
       AND r ~ '(^|;|:)FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)'
       AND NOT (r ~ '(^|;|:)COUNT=' AND r ~ '(^|;|:)UNTIL=');

-- ---------------------------------------------------------------------------------------------
-- Organisations: the fields partners and residents see, plus moderation state
-- ---------------------------------------------------------------------------------------------
ALTER TABLE organisations
    ADD COLUMN description text,
    ADD COLUMN website     text,
    ADD COLUMN email       text,
    ADD COLUMN phone       text,
    ADD COLUMN trusted     boolean NOT NULL DEFAULT false,  -- trusted partners publish without review (issue 6)
    ADD COLUMN version     integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT organisations_description_chk CHECK (length(description) <= 2000),
    ADD CONSTRAINT organisations_website_chk CHECK (length(website) <= 500 AND website ~* '^https?://[^\s/?#@]+\.[^\s]+$'),
    ADD CONSTRAINT organisations_email_chk CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    ADD CONSTRAINT organisations_phone_chk CHECK (length(phone) BETWEEN 8 AND 20 AND phone ~ '^\+?[0-9 ()-]+$'),
    ADD CONSTRAINT organisations_version_chk CHECK (version > 0);
COMMENT ON CONSTRAINT organisations_description_chk ON organisations IS 'description: must be at most 2000 characters';
COMMENT ON CONSTRAINT organisations_website_chk ON organisations IS 'website: must be an http(s) URL of at most 500 characters';
COMMENT ON CONSTRAINT organisations_email_chk ON organisations IS 'email: must be an e-mail address';
COMMENT ON CONSTRAINT organisations_phone_chk ON organisations IS 'phone: must be a phone number of 8 to 20 characters (digits, spaces, a leading +, -, parentheses)';
CREATE INDEX organisations_created_idx ON organisations (created_at, id);

-- ---------------------------------------------------------------------------------------------
-- Areas: municipalities (CBS gemeentecode) and their sub-areas (wijk, kern)
-- ---------------------------------------------------------------------------------------------
-- A municipality's `municipality` is its own code; a sub-area's code starts with its
-- municipality's code. The self-referencing pair (municipality, municipality) ->
-- (code, municipality) makes sure the parent of every area is itself a municipality.
CREATE TABLE areas (
    code         text PRIMARY KEY,
    name         text NOT NULL,
    kind         text NOT NULL,
    municipality text NOT NULL,
    location     geography(Point, 4326),
    boundary     geography(MultiPolygon, 4326),
    retired_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT areas_code_chk CHECK (code ~ '^GM[0-9]{4}(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT areas_name_chk CHECK (length(name) BETWEEN 1 AND 100),
    CONSTRAINT areas_kind_chk CHECK (kind IN ('municipality', 'wijk', 'kern')),
    CONSTRAINT areas_municipality_self_chk CHECK ((kind = 'municipality') = (code = municipality)),
    CONSTRAINT areas_subarea_code_chk CHECK (kind = 'municipality' OR code LIKE municipality || '-%'),
    CONSTRAINT areas_code_municipality_key UNIQUE (code, municipality),
    CONSTRAINT areas_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality)
);
COMMENT ON CONSTRAINT areas_code_chk ON areas IS 'code: must be a CBS gemeentecode (GM0512) or one followed by -lowercase-words (GM0512-west)';
COMMENT ON CONSTRAINT areas_name_chk ON areas IS 'name: must be 1 to 100 characters';
COMMENT ON CONSTRAINT areas_kind_chk ON areas IS 'kind: must be municipality, wijk or kern';
COMMENT ON CONSTRAINT areas_municipality_self_chk ON areas IS 'municipality: a municipality belongs to itself; a wijk or kern to another area';
COMMENT ON CONSTRAINT areas_subarea_code_chk ON areas IS 'code: a wijk or kern code must start with its municipality code and a hyphen';
COMMENT ON CONSTRAINT areas_municipality_fk ON areas IS 'municipality: must be the code of an existing municipality';
CREATE INDEX areas_municipality_idx ON areas (municipality);
CREATE INDEX areas_boundary_idx ON areas USING gist (boundary) WHERE boundary IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Vocabularies: editable by moderators; a retired term stays on old entries but is not offered
-- for new ones. `position` keeps the order the municipality gave them.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE themes (
    code       text PRIMARY KEY,
    parent     text REFERENCES themes (code),
    label_nl   text NOT NULL,
    label_en   text,
    position   integer NOT NULL DEFAULT 0,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT themes_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT themes_parent_chk CHECK (parent <> code),
    CONSTRAINT themes_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT themes_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100)
);
CREATE INDEX themes_parent_idx ON themes (parent);

CREATE TABLE audiences (
    code       text PRIMARY KEY,
    label_nl   text NOT NULL,
    label_en   text,
    position   integer NOT NULL DEFAULT 0,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audiences_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT audiences_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT audiences_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100)
);

-- Facet codes follow the CSV (underscores, like OSM keys). allowed_values is what an entry's
-- accessibility object may hold for the facet.
CREATE TABLE accessibility_features (
    code           text PRIMARY KEY,
    label_nl       text NOT NULL,
    label_en       text,
    allowed_values text[] NOT NULL,
    osm_equivalent text,
    position       integer NOT NULL DEFAULT 0,
    retired_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accessibility_features_code_chk CHECK (code ~ '^[a-z0-9]+([-_][a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT accessibility_features_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT accessibility_features_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100),
    CONSTRAINT accessibility_features_values_chk CHECK (
        cardinality(allowed_values) BETWEEN 1 AND 20
        AND array_to_string(allowed_values, ',') ~ '^[a-z0-9_-]+(,[a-z0-9_-]+)*$'),
    CONSTRAINT accessibility_features_osm_chk CHECK (length(osm_equivalent) <= 200)
);

CREATE TABLE support_kinds (
    code       text PRIMARY KEY,
    label_nl   text NOT NULL,
    label_en   text,
    position   integer NOT NULL DEFAULT 0,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT support_kinds_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT support_kinds_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT support_kinds_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100)
);

-- Named sets of dates on which recurring activities do not take place ("not during the school
-- holidays"). municipality NULL = national. Periods are closed date ranges; they may not overlap
-- within one set.
CREATE TABLE exception_sets (
    code         text PRIMARY KEY,
    label_nl     text NOT NULL,
    label_en     text,
    municipality text,
    position     integer NOT NULL DEFAULT 0,
    retired_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT exception_sets_code_chk CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    CONSTRAINT exception_sets_label_nl_chk CHECK (length(label_nl) BETWEEN 1 AND 100),
    CONSTRAINT exception_sets_label_en_chk CHECK (length(label_en) BETWEEN 1 AND 100),
    CONSTRAINT exception_sets_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality)
);
CREATE INDEX exception_sets_municipality_idx ON exception_sets (municipality);

CREATE TABLE exception_set_dates (
    set_code text NOT NULL REFERENCES exception_sets (code) ON DELETE CASCADE,
    during   daterange NOT NULL,
    label    text,
    PRIMARY KEY (set_code, during),
    CONSTRAINT exception_set_dates_bounded_chk CHECK (
        NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)
        AND upper(during) - lower(during) <= 366),
    CONSTRAINT exception_set_dates_label_chk CHECK (length(label) BETWEEN 1 AND 100),
    CONSTRAINT exception_set_dates_no_overlap EXCLUDE USING gist (set_code WITH =, during WITH &&)
);

-- ---------------------------------------------------------------------------------------------
-- Entries: places, activities, vacancies and carer-support offers in one table, so one search
-- covers all four. Kind-specific columns are NULL for the other kinds (checked below).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE entries (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind               text NOT NULL,
    status             text NOT NULL DEFAULT 'published',
    version            integer NOT NULL DEFAULT 1,
    organisation_id    uuid NOT NULL REFERENCES organisations (id),
    municipality       text NOT NULL,

    -- Dutch texts; translations keyed by ISO 639-1 code
    title              text NOT NULL,
    summary            text,
    description        text,
    translations       jsonb NOT NULL DEFAULT '{}',

    areas              text[] NOT NULL DEFAULT '{}',   -- empty = the whole municipality
    themes             text[] NOT NULL DEFAULT '{}',
    audiences          text[] NOT NULL DEFAULT '{}',
    accessibility      jsonb NOT NULL DEFAULT '{}',    -- facet -> value; absent facet = unknown
    cost               jsonb,                          -- NULL = unknown
    contact            jsonb NOT NULL DEFAULT '{}',
    languages          text[] NOT NULL DEFAULT '{}',
    images             text[] NOT NULL DEFAULT '{}',

    -- place, and activity at an address
    address            jsonb,
    location           geography(Point, 4326),
    opening_hours      jsonb,                          -- place only

    -- activity, vacancy, carer_support: the place where it happens. place_kind is constant;
    -- with it the foreign key below guarantees that place_id names an entry of kind 'place'.
    place_id           uuid,
    place_kind         text NOT NULL DEFAULT 'place',

    -- activity
    online             boolean,
    starts_at          timestamp,                      -- local Europe/Amsterdam time, no zone
    ends_at            timestamp,
    rrule              text,
    exdates            date[],
    exception_sets     text[],
    timezone           text,
    registration       text,
    capacity           integer,
    places_left        integer,
    address_visibility text,

    -- vacancy
    hours_per_week     numeric,
    commitment         text,
    min_age            integer,
    skills             text[],
    valid_until        date,

    -- carer_support
    support_kind       text REFERENCES support_kinds (code),
    for_whom           text[],

    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT entries_id_kind_key UNIQUE (id, kind),
    CONSTRAINT entries_municipality_fk FOREIGN KEY (municipality, municipality)
        REFERENCES areas (code, municipality),
    CONSTRAINT entries_place_fk FOREIGN KEY (place_id, place_kind) REFERENCES entries (id, kind),

    -- shared
    CONSTRAINT entries_kind_chk CHECK (kind IN ('place', 'activity', 'vacancy', 'carer_support')),
    CONSTRAINT entries_status_chk CHECK (status IN ('pending', 'published', 'rejected', 'hidden', 'deleted')),
    CONSTRAINT entries_version_chk CHECK (version > 0),
    CONSTRAINT entries_title_chk CHECK (length(btrim(title)) >= 1 AND length(title) <= 300),
    CONSTRAINT entries_summary_chk CHECK (length(summary) <= 1000),
    CONSTRAINT entries_description_chk CHECK (length(description) <= 20000),
    CONSTRAINT entries_translations_chk CHECK (sk_translations_ok(translations)),
    CONSTRAINT entries_areas_chk CHECK (cardinality(areas) <= 50 AND array_position(areas, NULL) IS NULL),
    CONSTRAINT entries_themes_chk CHECK (cardinality(themes) <= 30 AND array_position(themes, NULL) IS NULL),
    CONSTRAINT entries_audiences_chk CHECK (cardinality(audiences) <= 30 AND array_position(audiences, NULL) IS NULL),
    CONSTRAINT entries_accessibility_chk CHECK (sk_is_text_object(accessibility)),
    CONSTRAINT entries_cost_chk CHECK (sk_cost_ok(cost)),
    CONSTRAINT entries_contact_chk CHECK (
        sk_is_text_object(contact)
        AND coalesce(contact->>'email' ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$', true)
        AND coalesce(contact->>'website' ~* '^https?://[^\s]+$', true)),
    CONSTRAINT entries_languages_chk CHECK (array_to_string(languages, ',') ~ '^([a-z]{2}(,[a-z]{2})*)?$'),
    CONSTRAINT entries_images_chk CHECK (
        cardinality(images) <= 20 AND array_to_string(images, ' ') ~* '^(https?://\S+( https?://\S+)*)?$'),
    CONSTRAINT entries_place_kind_chk CHECK (place_kind = 'place'),

    -- address and location (place, activity)
    CONSTRAINT entries_address_chk CHECK (
        sk_is_text_object(address)
        AND coalesce(address->>'postcode' ~* '^[1-9][0-9]{3} ?[a-z]{2}$', true)),
    CONSTRAINT entries_location_nl_chk CHECK (
        ST_Y(location::geometry) BETWEEN 50.6 AND 53.7 AND ST_X(location::geometry) BETWEEN 3.2 AND 7.3),
    CONSTRAINT entries_address_kinds_chk CHECK (kind IN ('place', 'activity') OR (address IS NULL AND location IS NULL)),

    -- place
    CONSTRAINT entries_opening_hours_chk CHECK (sk_opening_hours_ok(opening_hours)),
    CONSTRAINT entries_place_cols_chk CHECK (kind = 'place' OR opening_hours IS NULL),
    CONSTRAINT entries_place_id_kinds_chk CHECK (kind <> 'place' OR place_id IS NULL),

    -- activity
    CONSTRAINT entries_activity_cols_chk CHECK (kind = 'activity' OR (
        online IS NULL AND starts_at IS NULL AND ends_at IS NULL AND rrule IS NULL AND exdates IS NULL
        AND exception_sets IS NULL AND timezone IS NULL AND registration IS NULL AND capacity IS NULL
        AND places_left IS NULL AND address_visibility IS NULL)),
    CONSTRAINT entries_activity_required_chk CHECK (kind <> 'activity' OR (
        starts_at IS NOT NULL AND online IS NOT NULL AND exdates IS NOT NULL AND exception_sets IS NOT NULL
        AND timezone IS NOT NULL AND registration IS NOT NULL AND address_visibility IS NOT NULL)),
    CONSTRAINT entries_activity_where_chk CHECK (kind <> 'activity' OR (
        num_nonnulls(place_id, address, nullif(online, false)) = 1
        AND (location IS NULL OR address IS NOT NULL))),
    CONSTRAINT entries_schedule_end_chk CHECK (ends_at > starts_at),
    CONSTRAINT entries_rrule_chk CHECK (sk_rrule_ok(rrule)),
    CONSTRAINT entries_exdates_chk CHECK (cardinality(exdates) <= 366 AND array_position(exdates, NULL) IS NULL),
    CONSTRAINT entries_exception_sets_chk CHECK (cardinality(exception_sets) <= 20 AND array_position(exception_sets, NULL) IS NULL),
    CONSTRAINT entries_timezone_chk CHECK (timezone = 'Europe/Amsterdam'),
    CONSTRAINT entries_registration_chk CHECK (registration IN ('none', 'required')),
    CONSTRAINT entries_capacity_chk CHECK (capacity BETWEEN 0 AND 100000),
    CONSTRAINT entries_places_left_chk CHECK (places_left IS NULL OR (capacity IS NOT NULL AND places_left BETWEEN 0 AND capacity)),
    CONSTRAINT entries_address_visibility_chk CHECK (address_visibility IN ('public', 'area_only')),

    -- vacancy
    CONSTRAINT entries_vacancy_cols_chk CHECK (kind = 'vacancy' OR (
        hours_per_week IS NULL AND commitment IS NULL AND min_age IS NULL AND skills IS NULL AND valid_until IS NULL)),
    CONSTRAINT entries_vacancy_required_chk CHECK (kind <> 'vacancy' OR skills IS NOT NULL),
    CONSTRAINT entries_hours_per_week_chk CHECK (hours_per_week >= 0 AND hours_per_week <= 80),
    CONSTRAINT entries_commitment_chk CHECK (commitment IN ('one-off', 'ongoing')),
    CONSTRAINT entries_min_age_chk CHECK (min_age BETWEEN 0 AND 120),
    CONSTRAINT entries_skills_chk CHECK (cardinality(skills) <= 30 AND array_position(skills, NULL) IS NULL),

    -- carer_support
    CONSTRAINT entries_carer_cols_chk CHECK (kind = 'carer_support' OR (support_kind IS NULL AND for_whom IS NULL)),
    CONSTRAINT entries_carer_required_chk CHECK (kind <> 'carer_support' OR (support_kind IS NOT NULL AND for_whom IS NOT NULL)),
    CONSTRAINT entries_for_whom_chk CHECK (cardinality(for_whom) <= 30 AND array_position(for_whom, NULL) IS NULL)
);

COMMENT ON CONSTRAINT entries_municipality_fk ON entries IS 'municipality: must be the code of a known municipality';
COMMENT ON CONSTRAINT entries_place_fk ON entries IS 'place_id: must be the id of an existing place';
COMMENT ON CONSTRAINT entries_title_chk ON entries IS 'title: is required and must be at most 300 characters';
COMMENT ON CONSTRAINT entries_summary_chk ON entries IS 'summary: must be at most 1000 characters';
COMMENT ON CONSTRAINT entries_description_chk ON entries IS 'description: must be at most 20000 characters';
COMMENT ON CONSTRAINT entries_translations_chk ON entries IS 'translations: must map ISO 639-1 codes to objects with title, summary and description strings';
COMMENT ON CONSTRAINT entries_areas_chk ON entries IS 'areas: must be a list of at most 50 area codes';
COMMENT ON CONSTRAINT entries_themes_chk ON entries IS 'themes: must be a list of at most 30 theme codes';
COMMENT ON CONSTRAINT entries_audiences_chk ON entries IS 'audiences: must be a list of at most 30 audience codes';
COMMENT ON CONSTRAINT entries_accessibility_chk ON entries IS 'accessibility: must be an object mapping facet codes to string values';
COMMENT ON CONSTRAINT entries_cost_chk ON entries IS 'cost: must be {"free": bool} and/or {"amount_eur": number >= 0, "discount_pass": bool}';
COMMENT ON CONSTRAINT entries_contact_chk ON entries IS 'contact: must hold strings: phone, a valid email, an http(s) website';
COMMENT ON CONSTRAINT entries_languages_chk ON entries IS 'languages: must be ISO 639-1 codes (two lower-case letters)';
COMMENT ON CONSTRAINT entries_images_chk ON entries IS 'images: must be at most 20 http(s) URLs';
COMMENT ON CONSTRAINT entries_address_chk ON entries IS 'address: must hold strings and a Dutch postcode (1234 AB)';
COMMENT ON CONSTRAINT entries_location_nl_chk ON entries IS 'location: must lie inside the Netherlands';
COMMENT ON CONSTRAINT entries_opening_hours_chk ON entries IS 'opening_hours: must be a list of {day: mo..su, opens: HH:MM, closes: HH:MM after opens}';
COMMENT ON CONSTRAINT entries_activity_required_chk ON entries IS 'schedule.start: is required for an activity';
COMMENT ON CONSTRAINT entries_activity_where_chk ON entries IS 'place_id: an activity needs exactly one of place_id, address or online: true (location only together with address)';
COMMENT ON CONSTRAINT entries_schedule_end_chk ON entries IS 'schedule.end: must be after schedule.start';
COMMENT ON CONSTRAINT entries_rrule_chk ON entries IS 'schedule.rrule: must be an RRULE such as FREQ=WEEKLY;BYDAY=TU (not both COUNT and UNTIL)';
COMMENT ON CONSTRAINT entries_exdates_chk ON entries IS 'schedule.exdates: must be at most 366 dates';
COMMENT ON CONSTRAINT entries_exception_sets_chk ON entries IS 'schedule.exception_sets: must be at most 20 codes';
COMMENT ON CONSTRAINT entries_registration_chk ON entries IS 'registration: must be none or required';
COMMENT ON CONSTRAINT entries_capacity_chk ON entries IS 'capacity: must be between 0 and 100000';
COMMENT ON CONSTRAINT entries_places_left_chk ON entries IS 'places_left: needs capacity and must be between 0 and capacity';
COMMENT ON CONSTRAINT entries_address_visibility_chk ON entries IS 'address_visibility: must be public or area_only';
COMMENT ON CONSTRAINT entries_hours_per_week_chk ON entries IS 'hours_per_week: must be from 0 to 80';
COMMENT ON CONSTRAINT entries_commitment_chk ON entries IS 'commitment: must be one-off or ongoing';
COMMENT ON CONSTRAINT entries_min_age_chk ON entries IS 'min_age: must be between 0 and 120';
COMMENT ON CONSTRAINT entries_skills_chk ON entries IS 'skills: must be a list of at most 30 strings';
COMMENT ON CONSTRAINT entries_carer_required_chk ON entries IS 'support_kind: is required for carer support';
COMMENT ON CONSTRAINT entries_for_whom_chk ON entries IS 'for_whom: must be a list of at most 30 audience codes';

-- foreign keys and listing (keyset pagination per kind on (created_at, id))
CREATE INDEX entries_kind_created_idx   ON entries (kind, created_at, id);
CREATE INDEX entries_organisation_idx   ON entries (organisation_id);
CREATE INDEX entries_municipality_idx   ON entries (municipality, kind, status);
CREATE INDEX entries_place_idx          ON entries (place_id) WHERE place_id IS NOT NULL;
CREATE INDEX entries_support_kind_idx   ON entries (support_kind) WHERE support_kind IS NOT NULL;

-- search (issue 5): facets, distance, full text, typo-tolerant titles
CREATE INDEX entries_areas_gin          ON entries USING gin (areas);
CREATE INDEX entries_themes_gin         ON entries USING gin (themes);
CREATE INDEX entries_audiences_gin      ON entries USING gin (audiences);
CREATE INDEX entries_accessibility_gin  ON entries USING gin (accessibility jsonb_path_ops);
CREATE INDEX entries_location_gist      ON entries USING gist (location) WHERE location IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Audit log: every change through the API, with who, when and the representation before/after.
-- Deliberately no foreign keys: the log outlives purged entries and deleted keys.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    key_id          uuid,
    organisation_id uuid,
    role            text NOT NULL,
    entity          text NOT NULL,
    entity_id       text NOT NULL,      -- uuid or code of the changed thing
    entry_id        uuid,               -- set when entity = 'entry'
    action          text NOT NULL,
    before          jsonb,
    after           jsonb,
    CONSTRAINT audit_log_role_chk CHECK (role IN ('anonymous', 'partner', 'moderator', 'admin', 'system')),
    CONSTRAINT audit_log_entity_chk CHECK (entity IN ('entry', 'organisation', 'area', 'theme', 'audience',
                                                      'accessibility_feature', 'support_kind', 'exception_set')),
    CONSTRAINT audit_log_action_chk CHECK (action IN ('create', 'update', 'delete', 'purge', 'retire', 'boundary')),
    CONSTRAINT audit_log_entry_chk CHECK ((entity = 'entry') = (entry_id IS NOT NULL))
);
CREATE INDEX audit_log_entry_idx ON audit_log (entry_id, id) WHERE entry_id IS NOT NULL;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);

-- ---------------------------------------------------------------------------------------------
-- Idempotency keys: the stored response of a successful POST, per API key. A retry with the same
-- key and body returns it; the same key with another body is refused. Rows may be pruned after a
-- day (sk_prune_idempotency_keys in 0003).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE idempotency_keys (
    key_id       uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer,
    etag         text,
    location     text,
    body         text,
    entry_id     uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, key),
    CONSTRAINT idempotency_keys_key_chk CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- =============================================================================================
-- Seeds (from shared/domain/*.csv). ON CONFLICT DO NOTHING keeps a moderator's later edits.
-- =============================================================================================

INSERT INTO areas (code, name, kind, municipality, location) VALUES
    ('GM0512', 'Gorinchem', 'municipality', 'GM0512', 'SRID=4326;POINT(4.9742 51.8306)'),
    ('GM0668', 'West Maas en Waal', 'municipality', 'GM0668', 'SRID=4326;POINT(5.4900 51.8700)')
ON CONFLICT DO NOTHING;

INSERT INTO areas (code, name, kind, municipality, location) VALUES
    ('GM0512-binnenstad', 'Binnenstad', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9720 51.8306)'),
    ('GM0512-west', 'West', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9590 51.8335)'),
    ('GM0512-lingewijk', 'Lingewijk', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9655 51.8395)'),
    ('GM0512-haarwijk', 'Haarwijk', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9790 51.8410)'),
    ('GM0512-wijdschild', 'Wijdschild', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9890 51.8440)'),
    ('GM0512-gildenwijk', 'Gildenwijk', 'wijk', 'GM0512', 'SRID=4326;POINT(4.9930 51.8380)'),
    ('GM0512-dalem', 'Dalem', 'wijk', 'GM0512', 'SRID=4326;POINT(5.0060 51.8285)'),
    ('GM0512-laag-dalem', 'Laag Dalem', 'wijk', 'GM0512', 'SRID=4326;POINT(5.0010 51.8335)'),
    ('GM0512-hoog-dalem', 'Hoog Dalem', 'wijk', 'GM0512', 'SRID=4326;POINT(5.0150 51.8405)'),
    ('GM0668-alphen', 'Alphen', 'kern', 'GM0668', 'SRID=4326;POINT(5.4620 51.8250)'),
    ('GM0668-altforst', 'Altforst', 'kern', 'GM0668', 'SRID=4326;POINT(5.4150 51.8610)'),
    ('GM0668-appeltern', 'Appeltern', 'kern', 'GM0668', 'SRID=4326;POINT(5.5760 51.8390)'),
    ('GM0668-beneden-leeuwen', 'Beneden-Leeuwen', 'kern', 'GM0668', 'SRID=4326;POINT(5.5050 51.8900)'),
    ('GM0668-boven-leeuwen', 'Boven-Leeuwen', 'kern', 'GM0668', 'SRID=4326;POINT(5.5520 51.8870)'),
    ('GM0668-dreumel', 'Dreumel', 'kern', 'GM0668', 'SRID=4326;POINT(5.4350 51.8480)'),
    ('GM0668-maasbommel', 'Maasbommel', 'kern', 'GM0668', 'SRID=4326;POINT(5.5270 51.8160)'),
    ('GM0668-wamel', 'Wamel', 'kern', 'GM0668', 'SRID=4326;POINT(5.4630 51.8760)')
ON CONFLICT DO NOTHING;

INSERT INTO themes (code, parent, label_nl, label_en, position) VALUES
    ('gezonde-leefstijl', NULL, 'Gezonde leefstijl', 'Healthy lifestyle', 10),
    ('beweging', 'gezonde-leefstijl', 'Bewegen en sport', 'Exercise and sport', 20),
    ('voeding', 'gezonde-leefstijl', 'Voeding en gezond gewicht', 'Food and healthy weight', 30),
    ('mentale-gezondheid', 'gezonde-leefstijl', 'Mentale gezondheid', 'Mental health', 40),
    ('ontspanning', 'gezonde-leefstijl', 'Ontspanning en slaap', 'Relaxation and sleep', 50),
    ('middelengebruik', 'gezonde-leefstijl', 'Alcohol, roken en drugs', 'Alcohol tobacco and drugs', 60),
    ('betrokken-samenleving', NULL, 'Betrokken samenleving', 'Engaged community', 70),
    ('ontmoeten', 'betrokken-samenleving', 'Ontmoeten en eenzaamheid', 'Meeting people and loneliness', 80),
    ('omzien-naar-elkaar', 'betrokken-samenleving', 'Omzien naar elkaar en burenhulp', 'Neighbourly help', 90),
    ('mantelzorg', 'betrokken-samenleving', 'Mantelzorg', 'Informal care', 100),
    ('vrijwilligerswerk', 'betrokken-samenleving', 'Vrijwilligerswerk', 'Volunteering', 110),
    ('dementie', 'betrokken-samenleving', 'Dementievriendelijk', 'Dementia friendly', 120),
    ('tolerantie', 'betrokken-samenleving', 'Tolerantie en inclusie', 'Tolerance and inclusion', 130),
    ('meedoen', NULL, 'Iedereen kan meedoen', 'Everyone can take part', 140),
    ('vrije-tijd', 'meedoen', 'Vrije tijd, cultuur en hobby', 'Leisure culture and hobbies', 150),
    ('daginvulling', 'meedoen', 'Zinvolle daginvulling en werk', 'Meaningful daytime activity and work', 160),
    ('geldzaken', 'meedoen', 'Geldzaken, schulden en armoede', 'Money debt and poverty', 170),
    ('leren', 'meedoen', 'Leren, taal en digitale vaardigheden', 'Learning language and digital skills', 180),
    ('ondersteuning', NULL, 'Ondersteuning en zorg', 'Support and care', 190),
    ('informatie-advies', 'ondersteuning', 'Informatie en advies', 'Information and advice', 200),
    ('thuis-wonen', 'ondersteuning', 'Langer thuis wonen en klussen', 'Living at home longer and odd jobs', 210),
    ('opgroeien', 'ondersteuning', 'Opgroeien en opvoeden', 'Growing up and parenting', 220)
ON CONFLICT DO NOTHING;

INSERT INTO audiences (code, label_nl, label_en, position) VALUES
    ('iedereen', 'Iedereen', 'Everyone', 10),
    ('kinderen', 'Kinderen (0-12)', 'Children (0-12)', 20),
    ('jongeren', 'Jongeren (12-23)', 'Young people (12-23)', 30),
    ('ouders', 'Ouders en gezinnen', 'Parents and families', 40),
    ('volwassenen', 'Volwassenen', 'Adults', 50),
    ('ouderen', 'Ouderen (65+)', 'Older people (65+)', 60),
    ('mantelzorgers', 'Mantelzorgers', 'Informal carers', 70),
    ('jonge-mantelzorgers', 'Jonge mantelzorgers', 'Young carers', 80),
    ('dementie', 'Mensen met dementie en hun naasten', 'People with dementia and their families', 90),
    ('beperking', 'Mensen met een beperking', 'People with a disability', 100),
    ('nieuwkomers', 'Nieuwkomers en statushouders', 'Newcomers and refugees', 110),
    ('laag-inkomen', 'Mensen met een laag inkomen', 'People on a low income', 120),
    ('laaggeletterden', 'Mensen die moeite hebben met lezen of computers', 'People with low literacy or digital skills', 130),
    ('lhbtiq', 'LHBTIQ+', 'LGBTIQ+', 140)
ON CONFLICT DO NOTHING;

-- The CSV's 'languages' row is not a facet (languages is a field of its own) and is left out.
INSERT INTO accessibility_features (code, label_nl, label_en, allowed_values, osm_equivalent, position) VALUES
    ('wheelchair', 'Rolstoeltoegankelijk', 'Wheelchair accessible', '{yes,limited,no}', 'wheelchair=*', 10),
    ('toilets_wheelchair', 'Toegankelijk toilet', 'Accessible toilet', '{yes,no}', 'toilets:wheelchair=*', 20),
    ('hearing_loop', 'Ringleiding', 'Hearing loop', '{yes,no}', 'hearing_loop=*', 30),
    ('parking_disabled', 'Gehandicaptenparkeerplaats', 'Disabled parking', '{yes,no}', 'capacity:disabled>0 nearby', 40),
    ('public_transport', 'OV-halte dichtbij (< 300 m)', 'Public transport stop within 300 m', '{yes,no}', NULL, 50),
    ('assistance_dogs', 'Hulphonden welkom', 'Assistance dogs welcome', '{yes,no}', NULL, 60),
    ('easy_language', 'Eenvoudige taal (B1)', 'Plain language (B1)', '{yes,no}', NULL, 70),
    ('sign_language', 'Gebarentaal (NGT)', 'Sign language (NGT)', '{yes,no}', NULL, 80),
    ('low_stimulus', 'Prikkelarm', 'Low-stimulus / quiet', '{yes,no}', NULL, 90),
    ('dementia_friendly', 'Dementievriendelijk', 'Dementia friendly', '{yes,no}', NULL, 100),
    ('transport_offered', 'Vervoer of ophaalservice', 'Transport offered', '{yes,no}', NULL, 110),
    ('free_of_charge', 'Gratis', 'Free of charge', '{yes,no}', 'fee=no', 120),
    ('discount_pass', 'Korting met minimapas', 'Discount with low-income pass', '{yes,no}', NULL, 130)
ON CONFLICT DO NOTHING;

INSERT INTO support_kinds (code, label_nl, label_en, position) VALUES
    ('respite', 'Respijtzorg', 'Respite care', 10),
    ('peer-contact', 'Lotgenotencontact', 'Peer contact', 20),
    ('training', 'Cursus of training', 'Course or training', 30),
    ('advice', 'Advies en informatie', 'Advice and information', 40),
    ('practical-help', 'Praktische hulp', 'Practical help', 50),
    ('emotional-support', 'Emotionele steun', 'Emotional support', 60),
    ('appreciation', 'Mantelzorgwaardering', 'Carer appreciation', 70)
ON CONFLICT DO NOTHING;

-- Exception sets. School-holiday regions: Gorinchem (Zuid-Holland) is in region midden,
-- West Maas en Waal (Gelderland, Maas en Waal) in region zuid. Dates are for school year
-- 2026-2027 (herfst 2026 .. zomer 2027); the summer dates and the regional herfst/voorjaar
-- dates must be checked against rijksoverheid.nl by a moderator, who maintains them via the API.
INSERT INTO exception_sets (code, label_nl, label_en, municipality, position) VALUES
    ('nl-public-holidays', 'Nederlandse feestdagen', 'Dutch public holidays', NULL, 10),
    ('school-holidays-north', 'Schoolvakanties regio noord', 'School holidays region north', NULL, 20),
    ('school-holidays-middle', 'Schoolvakanties regio midden', 'School holidays region middle', NULL, 30),
    ('school-holidays-south', 'Schoolvakanties regio zuid', 'School holidays region south', NULL, 40)
ON CONFLICT DO NOTHING;

-- Closed date ranges '[first, last]' are stored canonically as '[first, last+1)'.
INSERT INTO exception_set_dates (set_code, during, label) VALUES
    ('nl-public-holidays', '[2026-01-01,2026-01-01]', 'Nieuwjaarsdag'),
    ('nl-public-holidays', '[2026-04-03,2026-04-03]', 'Goede Vrijdag'),
    ('nl-public-holidays', '[2026-04-05,2026-04-06]', 'Pasen'),
    ('nl-public-holidays', '[2026-04-27,2026-04-27]', 'Koningsdag'),
    ('nl-public-holidays', '[2026-05-05,2026-05-05]', 'Bevrijdingsdag'),
    ('nl-public-holidays', '[2026-05-14,2026-05-14]', 'Hemelvaartsdag'),
    ('nl-public-holidays', '[2026-05-24,2026-05-25]', 'Pinksteren'),
    ('nl-public-holidays', '[2026-12-25,2026-12-26]', 'Kerstmis'),
    ('nl-public-holidays', '[2027-01-01,2027-01-01]', 'Nieuwjaarsdag'),
    ('nl-public-holidays', '[2027-03-26,2027-03-26]', 'Goede Vrijdag'),
    ('nl-public-holidays', '[2027-03-28,2027-03-29]', 'Pasen'),
    ('nl-public-holidays', '[2027-04-27,2027-04-27]', 'Koningsdag'),
    ('nl-public-holidays', '[2027-05-05,2027-05-05]', 'Bevrijdingsdag'),
    ('nl-public-holidays', '[2027-05-06,2027-05-06]', 'Hemelvaartsdag'),
    ('nl-public-holidays', '[2027-05-16,2027-05-17]', 'Pinksteren'),
    ('nl-public-holidays', '[2027-12-25,2027-12-26]', 'Kerstmis'),
    ('nl-public-holidays', '[2028-01-01,2028-01-01]', 'Nieuwjaarsdag'),

    ('school-holidays-north', '[2026-10-10,2026-10-18]', 'Herfstvakantie'),
    ('school-holidays-north', '[2026-12-19,2027-01-03]', 'Kerstvakantie'),
    ('school-holidays-north', '[2027-02-20,2027-02-28]', 'Voorjaarsvakantie'),
    ('school-holidays-north', '[2027-04-24,2027-05-02]', 'Meivakantie'),
    ('school-holidays-north', '[2027-07-24,2027-09-05]', 'Zomervakantie'),

    ('school-holidays-middle', '[2026-10-17,2026-10-25]', 'Herfstvakantie'),
    ('school-holidays-middle', '[2026-12-19,2027-01-03]', 'Kerstvakantie'),
    ('school-holidays-middle', '[2027-02-13,2027-02-21]', 'Voorjaarsvakantie'),
    ('school-holidays-middle', '[2027-04-24,2027-05-02]', 'Meivakantie'),
    ('school-holidays-middle', '[2027-07-10,2027-08-22]', 'Zomervakantie'),

    ('school-holidays-south', '[2026-10-17,2026-10-25]', 'Herfstvakantie'),
    ('school-holidays-south', '[2026-12-19,2027-01-03]', 'Kerstvakantie'),
    ('school-holidays-south', '[2027-02-06,2027-02-14]', 'Voorjaarsvakantie (carnaval)'),
    ('school-holidays-south', '[2027-04-24,2027-05-02]', 'Meivakantie'),
    ('school-holidays-south', '[2027-07-17,2027-08-29]', 'Zomervakantie')
ON CONFLICT DO NOTHING;
