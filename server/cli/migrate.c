/*
 * migrate.c — `socialekaart migrate`: brings a database to this build.
 *
 * sql/schema/ holds what is applied once (tables, indexes, constraints, data
 * moves); sql/api/ holds the one current definition of every function,
 * trigger, view and composite type. One transaction, serialised by an advisory
 * lock, does:
 *
 *  1. the bookkeeping tables: schema_migrations (version, name, checksum) and
 *     schema_api (file, checksum, position);
 *  2. each recorded schema file must still have the checksum it was applied
 *     with: a changed file stops the migration, naming it. Rows without a
 *     checksum were written by a wave-1 migrate; they get the checksum of the
 *     file that now stands for that version;
 *  3. pending schema files run, their part before SCHEMA_AFTER_API_MARK;
 *  4. when the recorded API fingerprint is not this build's (or a schema file
 *     ran): the previous release's functions, triggers, views and composite
 *     types are dropped and sql/api/ is applied in its order. Functions that a
 *     constraint, a default or an index needs are schema and stay;
 *  5. the after-api parts of the files of step 3;
 *  6. COMMIT. A failure anywhere rolls all of it back.
 *
 * Synchronous libpq: this is the CLI, not the event loop.
 */
#include "migrate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"

#define MIGRATE_LOCK_KEY "4205120668" /* the advisory lock wave 1's migrate took too */

/* The bookkeeping. schema_migrations is created in wave 1's shape and then given its checksum,
 * so a fresh and an upgraded database end up with the same table. */
static const char bookkeeping_sql[] = "SET LOCAL client_min_messages = warning;" /* no NOTICE for what exists */
                                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                      " version integer PRIMARY KEY, name text NOT NULL,"
                                      " applied_at timestamptz NOT NULL DEFAULT now());"
                                      "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text;"
                                      "CREATE TABLE IF NOT EXISTS schema_api ("
                                      " file text PRIMARY KEY, position integer NOT NULL, checksum text NOT NULL,"
                                      " applied_at timestamptz NOT NULL DEFAULT now())";

/* Drops the code of the release before: views, triggers, routines and composite types in
 * public that no extension owns. Kept: routines that a constraint, a column default, an index
 * or a type needs (and those they call), which sql/schema/ defines. Each DROP restricts, so a
 * dependency this misses fails the migration instead of taking a constraint with it. */
static const char drop_api_sql[] =
    "DO $drop$\n"
    "DECLARE\n"
    "    keep oid[];\n"
    "    q text;\n"
    "    r record;\n"
    "BEGIN\n"
    "    WITH RECURSIVE anchor(oid) AS (\n"
    "        SELECT d.refobjid FROM pg_depend d\n"
    "         WHERE d.refclassid = 'pg_proc'::regclass\n"
    "           AND (d.classid IN ('pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_type'::regclass)\n"
    "                OR (d.classid = 'pg_class'::regclass\n"
    "                    AND (SELECT c.relkind FROM pg_class c WHERE c.oid = d.objid) IN ('r', 'p', 'i', 'I', 'm')))\n"
    "        UNION\n"
    "        SELECT d.refobjid FROM anchor a JOIN pg_depend d\n"
    "            ON d.classid = 'pg_proc'::regclass AND d.objid = a.oid AND d.refclassid = 'pg_proc'::regclass)\n"
    "    SELECT array_agg(oid) INTO keep FROM anchor;\n"
    "    SELECT string_agg(c.oid::regclass::text, ', ') INTO q FROM pg_class c\n"
    "     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v'\n"
    "       AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass\n"
    "                          AND e.objid = c.oid AND e.deptype = 'e');\n"
    "    IF q IS NOT NULL THEN EXECUTE 'DROP VIEW ' || q; END IF;\n"
    "    FOR r IN SELECT t.tgname, t.tgrelid::regclass AS rel FROM pg_trigger t\n"
    "               JOIN pg_class c ON c.oid = t.tgrelid\n"
    "              WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace LOOP\n"
    "        EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.rel);\n"
    "    END LOOP;\n"
    "    SELECT string_agg(p.oid::regprocedure::text, ', ') INTO q FROM pg_proc p\n"
    "     WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')\n"
    "       AND NOT p.oid = ANY (coalesce(keep, '{}'))\n"
    "       AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass\n"
    "                          AND e.objid = p.oid AND e.deptype = 'e');\n"
    "    IF q IS NOT NULL THEN EXECUTE 'DROP ROUTINE ' || q; END IF;\n"
    "    SELECT string_agg(t.oid::regtype::text, ', ') INTO q FROM pg_type t\n"
    "      JOIN pg_class c ON c.oid = t.typrelid\n"
    "     WHERE t.typnamespace = 'public'::regnamespace AND c.relkind = 'c'\n"
    "       AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid IN (t.oid, c.oid) AND e.deptype = 'e');\n"
    "    IF q IS NOT NULL THEN EXECUTE 'DROP TYPE ' || q; END IF;\n"
    "END\n"
    "$drop$";

/* After all of sql/api/ is in: check every routine's body now that everything it calls exists
 * (the files are applied with check_function_bodies off, as pg_dump does, so their order need
 * not follow every call). A syntax error or a call to something missing fails the migration. */
static const char validate_api_sql[] =
    "SET LOCAL check_function_bodies = on;\n"
    "DO $check$\n"
    "DECLARE r record;\n"
    "BEGIN\n"
    "    FOR r IN SELECT p.oid, l.lanvalidator FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang\n"
    "              WHERE p.pronamespace = 'public'::regnamespace AND l.lanvalidator <> 0\n"
    "                AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass\n"
    "                                   AND e.objid = p.oid AND e.deptype = 'e') LOOP\n"
    "        EXECUTE format('SELECT %s(%s)', r.lanvalidator::regproc, r.oid);\n"
    "    END LOOP;\n"
    "END\n"
    "$check$";

struct migrate {
    PGconn *pg;
    char *why; /* caller's buffer */
    size_t why_len;
};

static int fail(struct migrate *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct migrate *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, m->why_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Run sql (one or more statements, no parameters, or n parameters); on failure say what ran. */
static int run(struct migrate *m, const char *what, const char *sql, int n, const char *const *params, PGresult **out)
{
    PGresult *r = n ? PQexecParams(m->pg, sql, n, NULL, params, NULL, NULL, 0) : PQexec(m->pg, sql);
    ExecStatusType st = PQresultStatus(r);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) { /* empty: only comments */
        fail(m, "%s: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

/* The statements of a schema file before the after-api mark (before), and after it (after,
 * NULL when none). Both malloc'd, caller frees. */
static int split_file(const struct sk_embedded_file *f, char **before, char **after)
{
    const char *text = (const char *)f->data;
    const char *mark = strstr(text, SCHEMA_AFTER_API_MARK);
    size_t n = mark ? (size_t)(mark - text) : f->len;

    *before = strndup(text, n);
    *after = mark ? strdup(mark + 1) : NULL;
    return *before && (!mark || *after) ? 0 : -1;
}

static const struct sk_embedded_file *schema_file_of(int version)
{
    for (size_t i = 0; i < sk_schema_files_count; i++)
        if (schema_migration_version(sk_schema_files[i].name) == version)
            return &sk_schema_files[i];
    return NULL;
}

/* Step 2: every recorded file has the checksum it was applied with (wave-1 rows get theirs). */
static int check_recorded(struct migrate *m, bool *recorded)
{
    PGresult *r;
    int newest = schema_expected_version();

    if (run(m, "reading schema_migrations", "SELECT version, name, checksum FROM schema_migrations ORDER BY 1", 0, NULL,
            &r) < 0)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        int v = atoi(PQgetvalue(r, i, 0));
        const struct sk_embedded_file *f = schema_file_of(v);
        char sum[SCHEMA_CHECKSUM_LEN + 1];

        if (v > newest) {
            fail(m, "the database is at schema version %d, newer than this build's %d: use the newer release", v,
                 newest);
            goto out;
        }
        if (f == NULL) {
            fail(m, "the database records schema version %d (%s), which this build does not have", v,
                 PQgetvalue(r, i, 1));
            goto out;
        }
        if (schema_checksum(f, sum) < 0) {
            fail(m, "cannot compute the checksum of %s", f->name);
            goto out;
        }
        if (PQgetisnull(r, i, 2)) {
            const char *p[2] = { sum, PQgetvalue(r, i, 0) };
            if (run(m, "recording a checksum", "UPDATE schema_migrations SET checksum = $1 WHERE version = $2", 2, p,
                    NULL) < 0)
                goto out;
        } else if (strcmp(PQgetvalue(r, i, 2), sum) != 0) {
            fail(m,
                 "sql/schema/%s changed after it was applied (recorded sha256 %s, this build has %s): an applied "
                 "schema file is never edited; put the change in a new file",
                 f->name, PQgetvalue(r, i, 2), sum);
            goto out;
        }
        recorded[f - sk_schema_files] = true;
    }
    PQclear(r);
    return 0;
out:
    PQclear(r);
    return -1;
}

/* Step 4: is the recorded API this build's? */
static int api_is_current(struct migrate *m, bool *current)
{
    PGresult *r;
    const char *fp = schema_api_fingerprint();

    if (fp == NULL)
        return fail(m, "cannot compute the checksums of sql/api/");
    if (run(m, "reading schema_api",
            "SELECT coalesce(string_agg(file || '=' || checksum, ' ' ORDER BY position), '') FROM schema_api", 0, NULL,
            &r) < 0)
        return -1;
    *current = strcmp(PQgetvalue(r, 0, 0), fp) == 0;
    PQclear(r);
    return 0;
}

static int api_replace(struct migrate *m)
{
    if (run(m, "dropping the previous release's functions, triggers and views", drop_api_sql, 0, NULL, NULL) < 0 ||
        run(m, "clearing schema_api", "DELETE FROM schema_api", 0, NULL, NULL) < 0 ||
        run(m, "check_function_bodies", "SET LOCAL check_function_bodies = off", 0, NULL, NULL) < 0)
        return -1;
    for (size_t i = 0; i < sk_api_files_count; i++) {
        const struct sk_embedded_file *f = &sk_api_files[i];
        char what[128], sum[SCHEMA_CHECKSUM_LEN + 1], pos[16];
        const char *p[3] = { f->name, pos, sum };

        snprintf(what, sizeof(what), "sql/api/%s", f->name);
        snprintf(pos, sizeof(pos), "%zu", i);
        if (schema_checksum(f, sum) < 0)
            return fail(m, "cannot compute the checksum of %s", what);
        if (run(m, what, (const char *)f->data, 0, NULL, NULL) < 0 ||
            run(m, "recording an API file", "INSERT INTO schema_api (file, position, checksum) VALUES ($1, $2, $3)", 3,
                p, NULL) < 0)
            return -1;
    }
    return run(m, "checking the bodies of sql/api/", validate_api_sql, 0, NULL, NULL);
}

static int migrate_tx(struct migrate *m, int *applied, bool *api_applied)
{
    bool *recorded = calloc(sk_schema_files_count + 1, sizeof(*recorded));
    char **after = calloc(sk_schema_files_count + 1, sizeof(*after));
    bool current = false;
    int rc = -1;

    if (recorded == NULL || after == NULL) {
        fail(m, "out of memory");
        goto out;
    }
    if (run(m, "taking the migration lock", "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL, NULL) < 0 ||
        run(m, "creating the bookkeeping tables", bookkeeping_sql, 0, NULL, NULL) < 0 ||
        check_recorded(m, recorded) < 0)
        goto out;
    for (size_t i = 0; i < sk_schema_files_count; i++) {
        const struct sk_embedded_file *f = &sk_schema_files[i];
        char what[128], sum[SCHEMA_CHECKSUM_LEN + 1], ver[16], *before = NULL;
        const char *p[3] = { ver, f->name, sum };
        int v = schema_migration_version(f->name);

        if (recorded[i])
            continue;
        snprintf(what, sizeof(what), "sql/schema/%s", f->name);
        snprintf(ver, sizeof(ver), "%d", v);
        if (v < 0) {
            fail(m, "%s does not start with a version number", what);
            goto out;
        }
        if (schema_checksum(f, sum) < 0 || split_file(f, &before, &after[i]) < 0) {
            free(before);
            fail(m, "cannot read %s", what);
            goto out;
        }
        if (run(m, what, before, 0, NULL, NULL) < 0) {
            free(before);
            goto out;
        }
        free(before);
        if (run(m, "recording a schema file",
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", 3, p, NULL) < 0)
            goto out;
        fprintf(stderr, "applied %s\n", what);
        ++*applied;
    }
    if (api_is_current(m, &current) < 0)
        goto out;
    if (!current || *applied > 0) {
        if (api_replace(m) < 0)
            goto out;
        *api_applied = true;
    }
    for (size_t i = 0; i < sk_schema_files_count; i++) {
        char what[160];
        snprintf(what, sizeof(what), "sql/schema/%s (after api)", sk_schema_files[i].name);
        if (after[i] && run(m, what, after[i], 0, NULL, NULL) < 0)
            goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; after && i < sk_schema_files_count; i++)
        free(after[i]);
    free(after);
    free(recorded);
    return rc;
}

int migrate_run(PGconn *pg, char *why, size_t why_len)
{
    struct migrate m = { pg, why, why_len };
    int applied = 0;
    bool api = false;

    if (run(&m, "BEGIN", "BEGIN", 0, NULL, NULL) < 0)
        return -1;
    if (migrate_tx(&m, &applied, &api) < 0) {
        PQclear(PQexec(pg, "ROLLBACK"));
        return -1;
    }
    if (run(&m, "COMMIT", "COMMIT", 0, NULL, NULL) < 0)
        return -1;
    fprintf(stderr, "schema is at version %d (%d schema file%s applied); %s\n", schema_expected_version(), applied,
            applied == 1 ? "" : "s", api ? "API code replaced by this release's" : "API code already this release's");
    return 0;
}
