/*
 * test_partner_page.c — server/partner_page.c without a daemon: the schedule
 * in words <-> RRULE (both ways, and what stays "a rule of its own"), dates
 * as partners type them, a posted form -> the API's entry JSON (POST and
 * PATCH), the API's error fields -> form controls, and that the pages escape
 * what they show.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partner_page.h"
#include "validate.h"

static void to_rrule(const struct pp_schedule *s, int wd, const char *want)
{
    char out[RRULE_TEXT_MAX + 1];
    int n = pp_schedule_to_rrule(s, wd, out, sizeof(out));
    cr_assert_geq(n, 0);
    cr_assert_str_eq(out, want);
}

Test(schedule, words_to_rrule)
{
    struct pp_schedule s = { .repeat = PP_ONCE };
    to_rrule(&s, 1, "");
    s = (struct pp_schedule){ .repeat = PP_WEEKLY, .interval = 1, .days = (1u << 1) | (1u << 3) };
    to_rrule(&s, 1, "FREQ=WEEKLY;BYDAY=TU,TH");
    s = (struct pp_schedule){ .repeat = PP_WEEKLY, .interval = 2, .days = 0, .until = "2027-06-30" };
    to_rrule(&s, 4, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20270630");
    s = (struct pp_schedule){ .repeat = PP_MONTHLY, .month_ordinal = -1, .month_weekday = 2 };
    to_rrule(&s, 2, "FREQ=MONTHLY;BYDAY=-1WE");
    s = (struct pp_schedule){ .repeat = PP_MONTHLY, .month_ordinal = 1, .month_weekday = 6 };
    to_rrule(&s, 6, "FREQ=MONTHLY;BYDAY=1SU");
    s = (struct pp_schedule){ .repeat = PP_CUSTOM, .custom = "FREQ=DAILY;COUNT=3" };
    to_rrule(&s, 0, "FREQ=DAILY;COUNT=3");
}

Test(schedule, too_small_a_buffer)
{
    struct pp_schedule s = { .repeat = PP_WEEKLY, .interval = 1, .days = 0x7f };
    char out[12];
    cr_assert_eq(pp_schedule_to_rrule(&s, 0, out, sizeof(out)), -1);
}

Test(schedule, rrule_to_words)
{
    struct pp_schedule s;

    pp_schedule_from_rrule(NULL, &s);
    cr_assert_eq(s.repeat, PP_ONCE);
    pp_schedule_from_rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101", &s);
    cr_assert_eq(s.repeat, PP_WEEKLY);
    cr_assert_eq(s.interval, 2);
    cr_assert_eq(s.days, 1u | (1u << 2));
    cr_assert_str_eq(s.until, "2027-01-01");
    pp_schedule_from_rrule("FREQ=MONTHLY;BYDAY=3TU", &s);
    cr_assert_eq(s.repeat, PP_MONTHLY);
    cr_assert_eq(s.month_ordinal, 3);
    cr_assert_eq(s.month_weekday, 1);
    pp_schedule_from_rrule("FREQ=MONTHLY;BYDAY=-1FR", &s);
    cr_assert_eq(s.repeat, PP_MONTHLY);
    cr_assert_eq(s.month_ordinal, -1);
    cr_assert_eq(s.month_weekday, 4);
}

Test(schedule, what_the_form_cannot_say_is_kept)
{
    static const char *const own[] = {
        "FREQ=DAILY",
        "FREQ=WEEKLY;COUNT=10;BYDAY=TU",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYDAY=1MO,3MO",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
        "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270101T100000Z",
        "not a rule",
    };
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        struct pp_schedule s;
        char out[RRULE_TEXT_MAX + 1];
        pp_schedule_from_rrule(own[i], &s);
        cr_assert_eq(s.repeat, PP_CUSTOM, "%s", own[i]);
        cr_assert_str_eq(s.custom, own[i]);
        cr_assert_geq(pp_schedule_to_rrule(&s, 0, out, sizeof(out)), 0);
        cr_assert_str_eq(out, own[i], "a rule of its own goes back unchanged");
    }
}

Test(schedule, round_trip)
{
    static const char *const rules[] = { "FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR,SU",
                                         "FREQ=MONTHLY;BYDAY=2TH;UNTIL=20271231", "FREQ=MONTHLY;BYDAY=-1SA" };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        struct pp_schedule s;
        char out[RRULE_TEXT_MAX + 1];
        pp_schedule_from_rrule(rules[i], &s);
        cr_assert_neq(s.repeat, PP_CUSTOM, "%s", rules[i]);
        cr_assert_geq(pp_schedule_to_rrule(&s, 0, out, sizeof(out)), 0);
        cr_assert_str_eq(out, rules[i]);
    }
}

Test(dates, as_partners_type_them)
{
    char out[11];
    cr_assert(pp_date_iso("24-12-2026", out));
    cr_assert_str_eq(out, "2026-12-24");
    cr_assert(pp_date_iso(" 1/2/2027 ", out));
    cr_assert_str_eq(out, "2027-02-01");
    cr_assert(pp_date_iso("2026-12-24", out));
    cr_assert_str_eq(out, "2026-12-24");
    cr_assert_not(pp_date_iso("31-02-2027", out));
    cr_assert_not(pp_date_iso("24-12-26", out));
    cr_assert_not(pp_date_iso("24-12/2026", out));
    cr_assert_not(pp_date_iso("morgen", out));
    cr_assert_not(pp_date_iso("2026-12-24x", out));
}

static const char *jpath(struct json_object *o, const char *a, const char *b)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, a, &v))
        return NULL;
    if (b && !json_object_object_get_ex(v, b, &v))
        return NULL;
    return json_object_get_string(v);
}

Test(form, activity_to_entry)
{
    static const struct pp_field f[] = {
        { "title", "  Koffie-ochtend " },
        { "summary", "Regel 1\r\nRegel 2" },
        { "municipality", "GM0512" },
        { "themes", "ontmoeting" },
        { "themes", "ontmoeting" },
        { "themes", "beweging" },
        { "accessibility.wheelchair", "yes" },
        { "accessibility.hearing_loop", "" },
        { "cost.amount_eur", "2,50" },
        { "schedule.date", "2026-12-15" },
        { "schedule.from", "10:00" },
        { "schedule.to", "11:30" },
        { "schedule.repeat", "weekly" },
        { "schedule.interval", "2" },
        { "schedule.days", "tu" },
        { "schedule.until", "30-06-2027" },
        { "schedule.exdates", "29-12-2026\r\n2027-01-12, vijf" },
        { "capacity", "12" },
        { "places_left", "veel" },
        { "online", "ja" },
        { "translations.en.title", "Coffee" },
    };
    struct pp_form form = { f, sizeof(f) / sizeof(f[0]) };
    struct json_object *e = pp_form_to_entry(SK_KIND_ACTIVITY, &form, false), *v;
    struct verr_list errs;

    cr_assert_not_null(e);
    cr_assert_str_eq(jpath(e, "title", NULL), "Koffie-ochtend");
    cr_assert_str_eq(jpath(e, "summary", NULL), "Regel 1\nRegel 2");
    cr_assert(json_object_object_get_ex(e, "themes", &v));
    cr_assert_eq(json_object_array_length(v), 2, "a repeated checkbox counts once");
    cr_assert_str_eq(jpath(e, "accessibility", "wheelchair"), "yes");
    cr_assert_null(jpath(e, "accessibility", "hearing_loop"), "unknown is left out");
    cr_assert(json_object_object_get_ex(json_object_object_get(e, "cost"), "amount_eur", &v));
    cr_assert(json_object_is_type(v, json_type_double));
    cr_assert_float_eq(json_object_get_double(v), 2.5, 1e-9);
    cr_assert_str_eq(jpath(e, "cost", "free"), "false");
    cr_assert_str_eq(jpath(e, "schedule", "start"), "2026-12-15T10:00");
    cr_assert_str_eq(jpath(e, "schedule", "end"), "2026-12-15T11:30");
    cr_assert_str_eq(jpath(e, "schedule", "rrule"), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270630");
    cr_assert_str_eq(jpath(e, "schedule", "exdates"), "[ \"2026-12-29\", \"2027-01-12\", \"vijf\" ]");
    cr_assert(json_object_is_type(json_object_object_get(e, "capacity"), json_type_int));
    cr_assert(json_object_is_type(json_object_object_get(e, "places_left"), json_type_string),
              "what is no number goes on as text, for the API to name");
    cr_assert_str_eq(jpath(e, "online", NULL), "true");
    cr_assert_str_eq(jpath(e, "translations", "en"), "{ \"title\": \"Coffee\" }");

    /* the API's own validation names the two bad values */
    verr_init(&errs);
    validate_entry(SK_KIND_ACTIVITY, VALIDATE_CREATE, e, &errs);
    bool exdate = false, places = false;
    for (size_t i = 0; i < errs.count; i++) {
        exdate |= strcmp(errs.items[i].field, "schedule.exdates[2]") == 0;
        places |= strcmp(errs.items[i].field, "places_left") == 0;
    }
    cr_assert(exdate && places);
    cr_assert_str_eq(pp_error_control(SK_KIND_ACTIVITY, "schedule.exdates[2]"), "schedule.exdates");
    json_object_put(e);
}

Test(form, once_has_no_rule_and_no_exceptions)
{
    static const struct pp_field f[] = {
        { "title", "Eenmalig" },
        { "schedule.date", "15-12-2026" },
        { "schedule.from", "10:00" },
        { "schedule.to", "11:00" },
        { "schedule.repeat", "once" },
        { "schedule.exdates", "29-12-2026" },
        { "schedule.until", "2027-01-01" },
    };
    struct pp_form form = { f, sizeof(f) / sizeof(f[0]) };
    struct json_object *e = pp_form_to_entry(SK_KIND_ACTIVITY, &form, false);
    cr_assert_str_eq(jpath(e, "schedule", "start"), "2026-12-15T10:00");
    cr_assert_null(jpath(e, "schedule", "rrule"));
    cr_assert_null(jpath(e, "schedule", "exdates"));
    json_object_put(e);
}

Test(form, patch_removes_what_was_emptied)
{
    static const struct pp_field f[] = {
        { "title", "Plek" },
        { "municipality", "GM0512" },
        { "address.street", "Kerkstraat" },
        { "accessibility.wheelchair", "" },
        { "opening_hours.mo.opens", "09:00" },
        { "opening_hours.mo.closes", "17:00" },
    };
    struct pp_form form = { f, sizeof(f) / sizeof(f[0]) };
    struct json_object *e = pp_form_to_entry(SK_KIND_PLACE, &form, true), *v;

    cr_assert(json_object_object_get_ex(e, "summary", &v) && v == NULL, "an empty field is null in a PATCH");
    cr_assert(json_object_object_get_ex(e, "cost", &v) && v == NULL);
    cr_assert(json_object_object_get_ex(json_object_object_get(e, "accessibility"), "wheelchair", &v) && v == NULL);
    cr_assert(json_object_object_get_ex(json_object_object_get(e, "address"), "postcode", &v) && v == NULL);
    cr_assert_str_eq(jpath(e, "address", "street"), "Kerkstraat");
    cr_assert_not(json_object_object_get_ex(e, "images", NULL), "what the form does not show stays");
    cr_assert_not(json_object_object_get_ex(e, "location", NULL));
    cr_assert_str_eq(json_object_get_string(json_object_object_get(e, "opening_hours")),
                     "[ { \"day\": \"mo\", \"opens\": \"09:00\", \"closes\": \"17:00\" } ]");
    json_object_put(e);
}

Test(errors, fields_to_controls)
{
    cr_assert_str_eq(pp_error_control(SK_KIND_ACTIVITY, "schedule.start"), "schedule.date");
    cr_assert_str_eq(pp_error_control(SK_KIND_ACTIVITY, "schedule.rrule"), "schedule.repeat");
    cr_assert_str_eq(pp_error_control(SK_KIND_PLACE, "themes[3]"), "themes");
    cr_assert_str_eq(pp_error_control(SK_KIND_PLACE, "opening_hours[1].closes"), "opening_hours");
    cr_assert_str_eq(pp_error_control(SK_KIND_PLACE, "address.postcode"), "address.postcode");
    cr_assert_str_eq(pp_error_control(SK_KIND_PLACE, "accessibility.wheelchair"), "accessibility.wheelchair");
    cr_assert_null(pp_error_control(SK_KIND_PLACE, "images[0]"));
    cr_assert_null(pp_error_control(SK_KIND_PLACE, ""));
    cr_assert_str_eq(pp_error_dutch("must be a Dutch postcode like 4201 AB"), "Vul een postcode in zoals 4201 AB.");
    cr_assert_str_eq(pp_error_dutch("something new"), "Dit klopt nog niet. Kijk het na.");
}

Test(pages, escape_what_they_show)
{
    struct json_object *home = json_tokener_parse(
        "{\"organisation\":{\"name\":\"<b>Org</b>\"},\"entries\":[{\"id\":\"x\\\"y\",\"kind\":\"place\","
        "\"title\":\"<script>\",\"status\":\"rejected\",\"moderation\":{\"last_decision\":{\"decision\":"
        "\"rejected\",\"reason\":\"Adres <klopt> niet\"}}}]}");
    struct html_buf b;
    char *page;
    size_t len;

    html_init(&b);
    pp_page_home(&b, home, NULL, "abc", NULL);
    page = html_take(&b, &len);
    cr_assert_not_null(page);
    cr_assert_null(strstr(page, "<script>"));
    cr_assert_null(strstr(page, "<b>Org"));
    cr_assert_not_null(strstr(page, "Afgewezen: Adres &lt;klopt&gt; niet"));
    free(page);
    json_object_put(home);
}
