/*
 * test_metrics.c — issue 17, item 4: GET /metrics in the Prometheus text
 * format, for admin keys only. After a few requests the counters and the
 * latency histogram of their routes are there with their statuses, the reply
 * cache's hits, the database pools, the index; Prometheus's own parser
 * (`promtool check metrics`, Debian's prometheus package) accepts the page,
 * and every query of the Grafana dashboard (deploy/grafana-dashboard.json)
 * parses (`promtool check rules` on them as recording rules).
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(metrics, .fini = it_release);

/* The value of the first sample line that starts with prefix, or -1. */
static double sample(const char *body, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = body; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

Test(metrics, prometheus_text_for_admins)
{
    char org[40], admin[128], mod[128], ct[128], cmd[600], path[] = "/tmp/sk-metrics-XXXXXX";
    struct it_response r;
    double before, after;
    int fd;

    it_make_org("Metriekbeheer (metrics)", org);
    it_make_key(org, "admin", NULL, admin);
    it_make_key(org, "moderator", "GM0512", mod);

    cr_assert_eq(it_get("/metrics", NULL, &r), 0);
    cr_assert_eq(r.status, 401, "%ld", r.status);
    it_response_free(&r);
    cr_assert_eq(it_get("/metrics", mod, &r), 0);
    cr_assert_eq(r.status, 403, "a moderator may not: %ld", r.status);
    it_response_free(&r);

    cr_assert_eq(it_get("/metrics", admin, &r), 0);
    cr_assert_eq(r.status, 200);
    before = sample(r.body, "sk_http_requests_total{route=\"/api/v1/areas\",method=\"GET\",status=\"200\"}");
    it_response_free(&r);

    /* requests to count: twice the same cacheable read (the second may be a cache hit), a 404 */
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(it_get("/api/v1/areas", NULL, &r), 0);
        cr_assert_eq(r.status, 200);
        it_response_free(&r);
    }
    cr_assert_eq(it_get("/api/v1/places/00000000-0000-4000-8000-000000000000", NULL, &r), 0);
    cr_assert_eq(r.status, 404);
    it_response_free(&r);

    cr_assert_eq(it_get("/metrics", admin, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(it_header(&r, "Content-Type", ct, sizeof(ct)), "text/plain; version=0.0.4; charset=utf-8");
    after = sample(r.body, "sk_http_requests_total{route=\"/api/v1/areas\",method=\"GET\",status=\"200\"}");
    cr_assert_geq(after, (before < 0 ? 0 : before) + 2, "before %g, after %g", before, after);
    cr_assert_geq(sample(r.body, "sk_http_requests_total{route=\"/api/v1/places/{id}\",method=\"GET\",status=\"404\"}"),
                  1, "%.2000s", r.body);
    cr_assert_geq(sample(r.body, "sk_http_request_duration_seconds_count{route=\"/api/v1/areas\",method=\"GET\"}"),
                  after, "the histogram counts what the counter counts");
    cr_assert_geq(
        sample(r.body, "sk_http_request_duration_seconds_bucket{route=\"/api/v1/areas\",method=\"GET\",le=\"+Inf\"}"),
        after);
    cr_assert_geq(sample(r.body, "sk_reply_cache_lookups_total{result=\"miss\"}") +
                      sample(r.body, "sk_reply_cache_lookups_total{result=\"hit\"}"),
                  2);
    cr_assert_geq(sample(r.body, "sk_db_pool_connections{worker=\"0\",state=\"idle\"}"), 0, "%.3000s", r.body);
    cr_assert_geq(sample(r.body, "sk_db_pool_wait_seconds_count"), 1);
    cr_assert_eq(sample(r.body, "sk_search_index_up"), 1);
    cr_assert_geq(sample(r.body, "sk_search_index_entries"), 1);
    cr_assert_not_null(strstr(r.body, "# TYPE sk_webhook_deliveries_total counter"));
    cr_assert_not_null(strstr(r.body, "# TYPE sk_housekeeping_runs_total counter"));

    /* Prometheus's parser accepts it (lint findings are printed, errors fail) */
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, r.body, r.body_len), (ssize_t)r.body_len);
    close(fd);
    snprintf(cmd, sizeof(cmd), "promtool check metrics < %s > %s.out 2>&1", path, path);
    {
        int rc = system(cmd);
        char out[4096] = "";
        FILE *f;
        snprintf(cmd, sizeof(cmd), "%s.out", path);
        if ((f = fopen(cmd, "r")) != NULL) {
            size_t n = fread(out, 1, sizeof(out) - 1, f);
            out[n] = '\0';
            fclose(f);
        }
        cr_assert_eq(rc, 0, "promtool check metrics: %s", out);
        remove(cmd);
    }
    remove(path);
    it_response_free(&r);
}

/* Every panel query of deploy/grafana-dashboard.json, with its $job variable, as a recording rule. */
Test(metrics, the_dashboards_queries_parse)
{
    char path[] = "/tmp/sk-rules-XXXXXX", cmd[400];
    struct json_object *dash = json_object_from_file(SK_SOURCE_DIR "/deploy/grafana-dashboard.json"), *panels;
    FILE *f;
    int fd, n = 0;

    cr_assert_not_null(dash, "deploy/grafana-dashboard.json does not parse");
    cr_assert(json_object_object_get_ex(dash, "panels", &panels) && json_object_array_length(panels) >= 8);
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    fputs("groups:\n- name: dashboard\n  rules:\n", f);
    for (size_t i = 0; i < json_object_array_length(panels); i++) {
        struct json_object *targets;
        if (!json_object_object_get_ex(json_object_array_get_idx(panels, i), "targets", &targets))
            continue;
        for (size_t t = 0; t < json_object_array_length(targets); t++) {
            struct json_object *e;
            const char *expr;
            if (!json_object_object_get_ex(json_object_array_get_idx(targets, t), "expr", &e))
                continue;
            fprintf(f, "  - record: sk:dashboard:%d\n    expr: '", n++);
            for (expr = json_object_get_string(e); *expr; expr++) {
                if (strncmp(expr, "$job", 4) == 0) {
                    fputs(".*", f);
                    expr += 3;
                } else if (*expr == '\'') {
                    fputs("''", f);
                } else {
                    fputc(*expr, f);
                }
            }
            fputs("'\n", f);
        }
    }
    fclose(f);
    cr_assert_geq(n, 10);
    snprintf(cmd, sizeof(cmd), "promtool check rules %s > %s.out 2>&1", path, path);
    {
        int rc = system(cmd);
        char out[4096] = "";
        snprintf(cmd, sizeof(cmd), "%s.out", path);
        if ((f = fopen(cmd, "r")) != NULL) {
            size_t k = fread(out, 1, sizeof(out) - 1, f);
            out[k] = '\0';
            fclose(f);
        }
        cr_assert_eq(rc, 0, "promtool check rules: %s", out);
        remove(cmd);
    }
    remove(path);
    json_object_put(dash);
}
