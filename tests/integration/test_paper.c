/*
 * test_paper.c — issue 16, item 7: "Wat is er te doen in uw wijk" on paper.
 * GET /papier/{wijk}/{YYYY-MM}.pdf is an A4 PDF made by the daemon: the
 * activities of that wijk and of the whole municipality in that month, by day,
 * with where to go (an address shown only as the area stays off), whom to
 * call, the cost and whether to sign up; another wijk's are not on it. The PDF
 * is read back as text (pdftotext) and rendered to an image (pdftoppm), as a
 * reader would see it. Bad months and areas are a page that says so.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(paper, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

static char g_mun[8]; /* a municipality of this test alone: nothing of other tests is on its paper */

/* A published one-off activity on day (YYYY-MM-DD) at hh:00 in area (NULL: the whole municipality). */
static void activity(const char *mod, const char *org, const char *title, const char *area, const char *day, int hh,
                     const char *extra)
{
    char body[1200];
    snprintf(
        body, sizeof(body),
        "{\"organisation_id\":\"%s\",\"title\":\"%s\",\"summary\":\"Samen koffie drinken en een praatje maken.\","
        "\"municipality\":\"%s\",\"areas\":[%s%s%s],\"online\":false,\"address\":{\"street\":"
        "\"Haarwijkstraat\",\"house_number\":\"7\",\"postcode\":\"4205 AB\",\"city\":\"Gorinchem\"},"
        "\"contact\":{\"phone\":\"0183 654321\"},\"schedule\":{\"start\":\"%sT%02d:00\",\"end\":\"%sT%02d:30\"}%s}",
        org, title, g_mun, area ? "\"" : "", area ? area : "", area ? "\"" : "", day, hh, day, hh + 1, extra);
    it_call(201, "POST", "/api/v1/activities", mod, body);
}

/* The text of a PDF (pdftotext -layout), malloc'ed. */
static char *pdf_text(const char *file)
{
    char cmd[512], *out = calloc(1, 1 << 20);
    size_t n = 0;
    FILE *p;
    snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' - 2>&1", file);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    while (n < (1 << 20) - 1 && fgets(out + n, (int)((1 << 20) - n), p))
        n += strlen(out + n);
    cr_assert_eq(pclose(p), 0, "pdftotext failed: %s", out);
    return out;
}

Test(paper, the_month_of_a_wijk_by_day_with_where_and_whom_to_call)
{
    char org[40], mod[128], tag[32], day1[11], day2[11], month[8], path[200], file[128], png[160], cmd[400];
    char t1[96], t2[96], t3[96], t4[96], wijk[40], other[40];
    struct it_response r;
    struct stat st;
    char *text;
    FILE *f;

    it_tag(tag, sizeof(tag));
    it_sql1(
        g_mun, sizeof(g_mun),
        "SELECT 'GM' || lpad(c::text, 4, '0') FROM generate_series(9000, 9999) c "
        "WHERE NOT EXISTS (SELECT 1 FROM areas WHERE code = 'GM' || lpad(c::text, 4, '0')) ORDER BY random() LIMIT 1",
        0, NULL);
    snprintf(wijk, sizeof(wijk), "%s-lingewijk", g_mun);
    snprintf(other, sizeof(other), "%s-dalem", g_mun);
    {
        const char *p[3] = { g_mun, wijk, other };
        it_sql1(NULL, 0,
                "INSERT INTO areas (code, name, kind, municipality) VALUES ($1, 'Papierstad', 'municipality', $1), "
                "($2, 'Lingewijk', 'wijk', $1), ($3, 'Dalem', 'wijk', $1)",
                3, p);
    }
    it_make_org("Welzijn Papierstad (papier)", org);
    it_make_key(org, "moderator", g_mun, mod);
    /* two days in the same month, 3 to 20 days ahead */
    {
        time_t now = time(NULL) + 3 * 86400;
        struct tm tm;
        gmtime_r(&now, &tm);
        if (tm.tm_mday > 20) { /* next month's first days */
            now += (time_t)(33 - tm.tm_mday) * 86400;
            gmtime_r(&now, &tm);
        }
        strftime(day1, sizeof(day1), "%Y-%m-%d", &tm);
        now += 2 * 86400;
        gmtime_r(&now, &tm);
        strftime(day2, sizeof(day2), "%Y-%m-%d", &tm);
        snprintf(month, sizeof(month), "%.7s", day1);
    }
    snprintf(t1, sizeof(t1), "Koffie in Lingewijk");
    snprintf(t2, sizeof(t2), "Wandelen voor heel Papierstad");
    snprintf(t3, sizeof(t3), "Alleen in Dalem");
    snprintf(t4, sizeof(t4), "Adres geheim");
    activity(mod, org, t1, wijk, day1, 10, ",\"registration\":\"required\",\"cost\":{\"free\":true}");
    activity(mod, org, t2, NULL, day2, 14, ",\"cost\":{\"amount_eur\":2.5}");
    activity(mod, org, t3, other, day1, 11, "");
    activity(mod, org, t4, wijk, day2, 9, ",\"address_visibility\":\"area_only\"");

    cr_assert_eq(it_get(PATH(path, "/papier/%s/%s.pdf", wijk, month), NULL, &r), 0);
    cr_assert_eq(r.status, 200, "%ld %.300s", r.status, r.body);
    {
        char ct[64];
        cr_assert_str_eq(it_header(&r, "Content-Type", ct, sizeof(ct)), "application/pdf");
    }
    cr_assert(r.body_len > 1000 && memcmp(r.body, "%PDF-", 5) == 0, "a PDF");
    snprintf(file, sizeof(file), "/tmp/sk-paper-%d.pdf", (int)getpid());
    f = fopen(file, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(r.body, 1, r.body_len, f), r.body_len);
    fclose(f);
    it_response_free(&r);

    text = pdf_text(file);
    cr_assert_not_null(strstr(text, "Wat is er te doen in Lingewijk?"), "%.500s", text);
    cr_assert_not_null(strstr(text, "gemeente Papierstad"), "%.500s", text);
    cr_assert(strstr(text, t1) && strstr(text, t2) && strstr(text, t4), "the wijk's and the municipality's:\n%s", text);
    cr_assert_null(strstr(text, t3), "another wijk's activity is not on it");
    cr_assert(strstr(text, t1) < strstr(text, t2), "by day");
    cr_assert_not_null(strstr(text, "Bel 0183 654321"), "whom to call");
    cr_assert_not_null(strstr(text, "Haarwijkstraat 7, Gorinchem"), "how to get there");
    cr_assert_not_null(strstr(text, "Gratis"));
    cr_assert_not_null(strstr(text, "\u20ac 2,50"));
    cr_assert_not_null(strstr(text, "Meld u vooraf aan."));
    {
        /* its block runs up to the next activity's time (t2, 14:00 the same day) */
        const char *secret = strstr(text, t4), *end = secret ? strstr(secret, "14:00 tot") : NULL;
        const char *waar = secret ? strstr(secret, "Waar:") : NULL;
        cr_assert(secret && end && waar && waar > end, "an address shown only as the area stays off:\n%s", text);
    }
    free(text);

    /* rendered as a reader sees it: page 1 as an image of A4 proportions */
    snprintf(png, sizeof(png), "/tmp/sk-paper-%d", (int)getpid());
    snprintf(cmd, sizeof(cmd), "pdftoppm -r 40 -png -f 1 -l 1 '%s' '%s' 2>&1", file, png);
    cr_assert_eq(system(cmd), 0, "pdftoppm");
    snprintf(png + strlen(png), sizeof(png) - strlen(png), "-1.png");
    if (stat(png, &st) != 0) { /* pdftoppm pads the page number to the page count's width */
        png[strlen(png) - 6] = '\0';
        snprintf(png + strlen(png), sizeof(png) - strlen(png), "-01.png");
    }
    cr_assert_eq(stat(png, &st), 0, "no image of page 1");
    cr_assert_gt(st.st_size, 2000, "page 1 is not blank");
    f = fopen(png, "rb");
    {
        unsigned char h[24];
        cr_assert_eq(fread(h, 1, 24, f), 24);
        unsigned w = (unsigned)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19];
        unsigned hgt = (unsigned)h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23];
        cr_assert(hgt * 1000 / w > 1400 && hgt * 1000 / w < 1430, "A4 portrait: %ux%u", w, hgt);
    }
    fclose(f);
    unlink(png);
    unlink(file);

    /* the search page of the wijk links to it */
    cr_assert_eq(it_get(PATH(path, "/?area=%s", wijk), NULL, &r), 0);
    cr_assert_not_null(strstr(r.body, PATH(path, "/papier/%s/", wijk)), "the search page links to the paper");
    it_response_free(&r);

    /* bad input is a page that says so */
    cr_assert_eq(it_get("/papier/GM0512-lingewijk/2026-13.pdf", NULL, &r), 0);
    cr_assert_eq(r.status, 404);
    cr_assert_not_null(strstr(r.body, "Deze maand kan niet"));
    it_response_free(&r);
    cr_assert_eq(it_get("/papier/GM0512-lingewijk/1999-01.pdf", NULL, &r), 0);
    cr_assert_eq(r.status, 404, "a month long ago");
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/papier/GM0512-nergens/%s.pdf", month), NULL, &r), 0);
    cr_assert_eq(r.status, 404);
    cr_assert_not_null(strstr(r.body, "Deze wijk bestaat niet"));
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/papier/x'%%3B/%s.pdf", month), NULL, &r), 0);
    cr_assert_eq(r.status, 404);
    it_response_free(&r);
}
