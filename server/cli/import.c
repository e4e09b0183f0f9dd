/*
 * socialekaart import / export (see import.h).
 *
 * import: the file is read by common/import.c into rows, sent in batches to
 * api_import inside ONE transaction (a later row may refer to an organisation
 * or place an earlier batch made), then committed (--apply, and only when
 * every row is fine: all or nothing) or rolled back (the dry run, the
 * default): the same code both ways, so the dry run's report is the apply's.
 * The CLI acts as an admin (whoever runs it on the server may do anything).
 * Human text goes to stderr (a progress bar only on a terminal), the JSON
 * report to --report FILE; exit status 0 when every row is fine, else 1.
 */
#include "import.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../common/import.h"
#include "auth.h"
#include "contract.h"

enum {
    BATCH_ROWS = 500,             /* rows per api_import call */
    FILE_MAX = 256 * 1024 * 1024, /* bytes of an import file */
    ROWS_MAX = 1000000,           /* rows of an import file */
    ERRORS_SHOWN = 200,           /* bad rows printed; the report file has all */
};

static const char *opt_value(int argc, char **argv, const char *name, int *bad)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "socialekaart: option %s needs a value\n", name);
                *bad = 1;
                return NULL;
            }
            return argv[i + 1];
        }
    }
    return NULL;
}

static bool has_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

/* The whole file (or stdin for "-") in a malloc'd buffer; NULL with a message. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    char *buf;
    if (f == NULL) {
        fprintf(stderr, "socialekaart: kan het bestand '%s' niet openen\n", path);
        return NULL;
    }
    buf = malloc(cap);
    while (buf != NULL) {
        size_t got;
        if (n == cap) {
            char *p = cap >= FILE_MAX ? NULL : realloc(buf, cap * 2);
            if (p == NULL) {
                fprintf(stderr, "socialekaart: het bestand is groter dan %d MiB\n", FILE_MAX >> 20);
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bar: at most ten times a second, and always at the end. */
static void progress(size_t done, size_t total, double t0, double *last, bool final)
{
    double t = now_s(), rate;
    int width = 30, fill;
    if (!final && t - *last < 0.1)
        return;
    *last = t;
    rate = t > t0 ? (double)done / (t - t0) : 0;
    fill = total ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu rijen  %.0f rijen/s", fill, "##############################", width - fill, "",
            done, total, rate);
    if (!final && rate > 0)
        fprintf(stderr, "  nog %.0f s   ", (double)(total - done) / rate);
    else
        fprintf(stderr, "  klaar in %.1f s   ", t - t0);
    if (final)
        fputc('\n', stderr);
}

static PGresult *exec_simple(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "socialekaart: %s", PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    return r;
}

/* Print one bad row's errors in Dutch: "rij 12: title: is verplicht". */
static void print_bad_row(struct json_object *line)
{
    struct json_object *errs, *row;
    json_object_object_get_ex(line, "row", &row);
    if (!json_object_object_get_ex(line, "errors", &errs))
        return;
    for (size_t i = 0; i < json_object_array_length(errs); i++) {
        struct json_object *e = json_object_array_get_idx(errs, i), *f, *m;
        char nl[256];
        const char *field = json_object_object_get_ex(e, "field", &f) ? json_object_get_string(f) : "";
        json_object_object_get_ex(e, "message", &m);
        fprintf(stderr, "rij %d: %s%s%s\n", json_object_get_int(row), field, *field ? ": " : "",
                import_message_nl(json_object_get_string(m), nl, sizeof(nl)));
    }
}

int cli_import(PGconn *pg, int argc, char **argv)
{
    int bad = 0;
    const char *fmt_name = opt_value(argc, argv, "--format", &bad);
    const char *muni = opt_value(argc, argv, "--municipality", &bad);
    const char *org = opt_value(argc, argv, "--organisation", &bad);
    const char *report_path = opt_value(argc, argv, "--report", &bad);
    bool apply = has_flag(argc, argv, "--apply"), tty = isatty(2);
    enum import_format fmt = IMPORT_FORMAT_AUTO, used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows, *defaults, *lines, *unmapped;
    size_t len, total;
    long counts[4] = { 0 }; /* create, update, unchanged, invalid */
    static const char *const actions[] = { "create", "update", "unchanged", "invalid" };
    char *buf;
    const char *path = argc > 0 && argv[0][0] != '-' ? argv[0] : (argc > 0 && strcmp(argv[0], "-") == 0 ? "-" : NULL);
    double t0, last = 0;
    int shown = 0, rc = 0;

    if (bad || path == NULL || (fmt_name != NULL && import_format_parse(fmt_name, &fmt) < 0)) {
        fprintf(stderr, "usage: socialekaart import FILE [--format hsds|json|csv] [--apply] [--municipality GM0512] "
                        "[--organisation ID] [--report FILE]\n");
        return 2;
    }
    if (muni != NULL && !contract_is_municipality_code(muni, strlen(muni))) {
        fprintf(stderr, "socialekaart: --municipality must be a CBS code like GM0512, not '%s'\n", muni);
        return 2;
    }
    if (org != NULL && !auth_is_uuid(org, strlen(org))) {
        fprintf(stderr, "socialekaart: --organisation must be an organisation id (a UUID), not '%s'\n", org);
        return 2;
    }
    if ((buf = read_file(path, &len)) == NULL)
        return 1;
    rows = import_parse(fmt, buf, len, ROWS_MAX, &used, err, sizeof(err));
    free(buf);
    if (rows == NULL) {
        fprintf(stderr, "socialekaart: %s\n", err);
        return 1;
    }
    total = json_object_array_length(rows);
    fprintf(stderr, "%s: %zu rijen gelezen (%s)\n", path, total, import_format_name(used));

    defaults = json_object_new_object();
    if (muni != NULL)
        json_object_object_add(defaults, "municipality", json_object_new_string(muni));
    if (org != NULL)
        json_object_object_add(defaults, "organisation_id", json_object_new_string(org));
    lines = json_object_new_array();
    unmapped = json_object_new_object();

    PQclear(exec_simple(pg, "BEGIN"));
    t0 = now_s();
    for (size_t at = 0; at < total && rc == 0; at += BATCH_ROWS) {
        struct json_object *batch = json_object_new_array(), *report, *blines;
        const char *p[2];
        PGresult *r;
        for (size_t i = at; i < total && i < at + BATCH_ROWS; i++)
            json_object_array_add(batch, json_object_get(json_object_array_get_idx(rows, i)));
        p[0] = json_object_to_json_string_ext(batch, JSON_C_TO_STRING_PLAIN);
        p[1] = json_object_to_json_string_ext(defaults, JSON_C_TO_STRING_PLAIN);
        r = PQexecParams(pg,
                         "SELECT status, body FROM api_import($1::jsonb, true, $2::jsonb, 'admin', NULL, NULL, "
                         "'{}'::text[])",
                         2, NULL, p, NULL, NULL, 0);
        json_object_put(batch);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "\nsocialekaart: %s", PQresultErrorMessage(r));
            PQclear(r);
            rc = 1;
            break;
        }
        report = json_tokener_parse(PQgetvalue(r, 0, 1));
        if (atoi(PQgetvalue(r, 0, 0)) != 200 || report == NULL || !json_object_object_get_ex(report, "rows", &blines)) {
            fprintf(stderr, "\nsocialekaart: de import is geweigerd: %s\n", PQgetvalue(r, 0, 1));
            json_object_put(report);
            PQclear(r);
            rc = 1;
            break;
        }
        PQclear(r);
        for (size_t i = 0; i < json_object_array_length(blines); i++) {
            struct json_object *l = json_object_array_get_idx(blines, i), *a, *um;
            const char *action = json_object_object_get_ex(l, "action", &a) ? json_object_get_string(a) : "";
            for (int k = 0; k < 4; k++)
                counts[k] += strcmp(action, actions[k]) == 0;
            if (strcmp(action, "invalid") == 0 && shown < ERRORS_SHOWN) {
                if (tty && shown == 0)
                    fputc('\n', stderr);
                print_bad_row(l);
                shown++;
            }
            if (json_object_object_get_ex(l, "unmapped", &um)) {
                for (size_t u = 0; u < json_object_array_length(um); u++) {
                    struct json_object *x = json_object_array_get_idx(um, u), *f, *v, *c;
                    char key[300];
                    json_object_object_get_ex(x, "field", &f);
                    json_object_object_get_ex(x, "value", &v);
                    snprintf(key, sizeof(key), "%s '%s'", json_object_get_string(f), json_object_get_string(v));
                    c = json_object_object_get_ex(unmapped, key, &c) ? c : NULL;
                    json_object_object_add(unmapped, key, json_object_new_int(c ? json_object_get_int(c) + 1 : 1));
                }
            }
            if (!apply && strcmp(action, "create") == 0)
                json_object_object_del(l, "id"); /* rolled back: never made */
            json_object_array_add(lines, json_object_get(l));
        }
        json_object_put(report);
        if (tty)
            progress(at + json_object_array_length(blines), total, t0, &last, false);
    }
    if (tty && rc == 0)
        progress(total, total, t0, &last, true);

    if (rc == 0 && apply && counts[3] == 0) {
        PGresult *r = exec_simple(pg, "COMMIT");
        rc = r ? 0 : 1;
        PQclear(r);
    } else {
        PQclear(exec_simple(pg, "ROLLBACK"));
    }
    if (rc == 0) {
        fprintf(stderr, "%s: %zu rijen: %ld nieuw, %ld gewijzigd, %ld ongewijzigd, %ld met fouten (%.1f s)\n",
                apply && counts[3] == 0 ? "Opgeslagen" : "Proef, niets opgeslagen", total, counts[0], counts[1],
                counts[2], counts[3], now_s() - t0);
        if (json_object_object_length(unmapped) > 0) {
            fprintf(stderr, "Niet te koppelen aan de lijsten van de kaart (weggelaten):\n");
            json_object_object_foreach(unmapped, key, val)
                fprintf(stderr, "  %s: %d×\n", key, json_object_get_int(val));
        }
        if (counts[3] > 0)
            fprintf(stderr, "%s%ld rijen hebben fouten. Herstel ze en probeer het opnieuw.\n",
                    apply ? "Er is niets opgeslagen: " : "", counts[3]);
        else if (!apply)
            fprintf(stderr, "Alles is in orde. Voeg --apply toe om op te slaan.\n");
        if (counts[3] > 0)
            rc = 1;
    }
    if (report_path != NULL) {
        struct json_object *report = json_object_new_object(), *summary = json_object_new_object();
        FILE *f = fopen(report_path, "w");
        for (int k = 0; k < 4; k++)
            json_object_object_add(summary,
                                   k == 0   ? "created"
                                   : k == 1 ? "updated"
                                   : k == 2 ? "unchanged"
                                            : "invalid",
                                   json_object_new_int64(counts[k]));
        json_object_object_add(summary, "rows", json_object_new_int64((int64_t)total));
        json_object_object_add(summary, "applied", json_object_new_boolean(apply && counts[3] == 0 && rc == 0));
        json_object_object_add(summary, "unmapped", json_object_get(unmapped));
        json_object_object_add(report, "rows", json_object_get(lines));
        json_object_object_add(report, "summary", summary);
        if (f == NULL || fprintf(f, "%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY)) < 0) {
            fprintf(stderr, "socialekaart: kan het verslag niet schrijven naar '%s'\n", report_path);
            rc = 1;
        }
        if (f != NULL)
            fclose(f);
        json_object_put(report);
    }
    json_object_put(unmapped);
    json_object_put(lines);
    json_object_put(defaults);
    json_object_put(rows);
    return rc;
}

int cli_export(PGconn *pg, int argc, char **argv)
{
    int bad = 0, rc = 0;
    const char *fmt_name = opt_value(argc, argv, "--format", &bad);
    const char *muni = opt_value(argc, argv, "--municipality", &bad);
    const char *out = opt_value(argc, argv, "-o", &bad);
    const char *p[1] = { muni };
    struct json_object *list;
    PGresult *r;
    FILE *f;

    if (bad || (fmt_name != NULL && strcmp(fmt_name, "json") != 0 && strcmp(fmt_name, "csv") != 0)) {
        fprintf(stderr, "usage: socialekaart export [--format json|csv] [--municipality GM0512] [-o FILE]\n");
        return 2;
    }
    if (muni != NULL && !contract_is_municipality_code(muni, strlen(muni))) {
        fprintf(stderr, "socialekaart: --municipality must be a CBS code like GM0512, not '%s'\n", muni);
        return 2;
    }
    r = PQexecParams(pg, "SELECT status, body FROM api_export($1, 'admin', NULL, NULL, '{}'::text[])", 1, NULL, p, NULL,
                     NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || atoi(PQgetvalue(r, 0, 0)) != 200) {
        fprintf(stderr, "socialekaart: export failed: %s%s\n", PQresultErrorMessage(r),
                PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 1) : "");
        PQclear(r);
        return 1;
    }
    f = out ? fopen(out, "w") : stdout;
    if (f == NULL) {
        fprintf(stderr, "socialekaart: cannot write '%s'\n", out);
        PQclear(r);
        return 1;
    }
    list = json_tokener_parse(PQgetvalue(r, 0, 1));
    PQclear(r);
    if (fmt_name != NULL && strcmp(fmt_name, "csv") == 0) {
        fputs(import_csv_header, f);
        for (size_t i = 0; list && i < json_object_array_length(list); i++) {
            char *line = import_csv_row(json_object_array_get_idx(list, i));
            if (line == NULL) {
                rc = 1;
                break;
            }
            fputs(line, f);
            free(line);
        }
    } else {
        fprintf(f, "%s\n",
                json_object_to_json_string_ext(list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    }
    fprintf(stderr, "exported %zu entries\n", list ? json_object_array_length(list) : 0);
    json_object_put(list);
    if (ferror(f))
        rc = 1;
    if (f != stdout && fclose(f) != 0)
        rc = 1;
    return rc;
}
