-- 0001 foundation: extensions, organisations and API keys.
-- Applied by `socialekaart migrate` inside one transaction; recorded in schema_migrations.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS postgis;

-- An organisation publishes entries (a welfare organisation, buurthuis, club)
-- or moderates them (the municipality).
CREATE TABLE organisations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- An API key: the secret is shown once by the CLI; only its SHA-256 is kept.
-- The daemon looks the key up by id and compares the hash in constant time.
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations(id),
    role            text NOT NULL CHECK (role IN ('partner', 'moderator', 'admin')),
    secret_hash     bytea NOT NULL CHECK (length(secret_hash) = 32),
    municipalities  text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE INDEX api_keys_organisation_idx ON api_keys (organisation_id);
