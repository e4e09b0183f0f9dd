/* common/import.c: the CSV, HSDS and JSON readers, and the CSV writer. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static struct json_object *parse(enum import_format fmt, const char *text, enum import_format *used, char *err)
{
    return import_parse(fmt, text, strlen(text), 100, used, err, IMPORT_ERR_SIZE);
}

static const char *row_str(struct json_object *rows, size_t i, const char *path)
{
    struct json_object *o = json_object_array_get_idx(rows, i);
    char buf[128];
    char *save = NULL;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, k, &o))
            return NULL;
    return o ? json_object_get_string(o) : NULL;
}

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    FILE *f;
    char *buf = malloc(1 << 20);
    snprintf(path, sizeof(path), "%s/tests/import/fixtures/%s", SK_SOURCE_DIR, name);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "fixture %s", path);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

Test(import, csv_columns_lists_and_numbers)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows =
        parse(IMPORT_FORMAT_AUTO,
              "kind,external_id,title,themes,lat,lon,capacity,online,opening_hours\n"
              "place,a,\"Huis, groot\",Ontmoeten; Sport ;,\"51,83\",4.97,,,ma 09:00-17:00;di 9:00-12:00\n"
              "\n"
              "activity,b,Koffie,,abc,,twee,misschien,\n",
              &used, err);
    cr_assert_not_null(rows, "%s", err);
    cr_assert_eq(used, IMPORT_FORMAT_CSV);
    cr_assert_eq(json_object_array_length(rows), 2, "the empty line is no row");
    cr_assert_str_eq(row_str(rows, 0, "row"), "2");
    cr_assert_str_eq(row_str(rows, 0, "entry.title"), "Huis, groot");
    cr_assert_str_eq(row_str(rows, 0, "entry.themes"), "[ \"Ontmoeten\", \"Sport\" ]");
    cr_assert_str_eq(row_str(rows, 0, "entry.location.lat"), "51.83");
    cr_assert_str_eq(row_str(rows, 0, "entry.opening_hours"),
                     "[ { \"day\": \"mo\", \"opens\": \"09:00\", \"closes\": \"17:00\" }, "
                     "{ \"day\": \"tu\", \"opens\": \"09:00\", \"closes\": \"12:00\" } ]");
    cr_assert_str_eq(row_str(rows, 1, "row"), "4", "spreadsheet rows count the empty line");
    /* every bad cell is named: lat, capacity, online, and validate_entry's schedule */
    const char *errs = row_str(rows, 1, "errors");
    cr_assert(strstr(errs, "\"lat\"") && strstr(errs, "\"capacity\"") && strstr(errs, "\"online\""), "%s", errs);
    cr_assert(strstr(errs, "\"schedule\""), "validate_entry ran: %s", errs);
    json_object_put(rows);
}

Test(import, csv_semicolons_and_unknown_column)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows = parse(IMPORT_FORMAT_CSV, "\xEF\xBB\xBFkind;title\nplace;Huis\n", &used, err);
    cr_assert_not_null(rows, "%s", err);
    cr_assert_str_eq(row_str(rows, 0, "entry.title"), "Huis");
    json_object_put(rows);
    cr_assert_null(parse(IMPORT_FORMAT_CSV, "kind,titel\nplace,Huis\n", &used, err));
    cr_assert(strstr(err, "'titel'"), "%s", err);
    cr_assert_null(parse(IMPORT_FORMAT_CSV, "kind,title\nplace,\"Huis\n", &used, err), "unterminated quote");
    cr_assert_null(parse(IMPORT_FORMAT_CSV, "kind,title\n\x81\n", &used, err), "neither UTF-8 nor Windows-1252");
    cr_assert(strstr(err, "UTF-8"), "%s", err);
}

Test(import, row_limit)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    cr_assert_null(import_parse(IMPORT_FORMAT_CSV, "kind\nplace\nplace\nplace\n", 22, 2, &used, err, sizeof(err)));
    cr_assert(strstr(err, "meer dan 2"), "%s", err);
}

Test(import, own_json_and_detection)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows =
        parse(IMPORT_FORMAT_AUTO, "[{\"kind\":\"place\",\"title\":\"X\",\"bogus\":1}, 3]", &used, err);
    cr_assert_not_null(rows, "%s", err);
    cr_assert_eq(used, IMPORT_FORMAT_JSON);
    cr_assert(strstr(row_str(rows, 0, "errors"), "\"bogus\""), "unknown members are named");
    cr_assert(strstr(row_str(rows, 1, "errors"), "must be a JSON object"));
    json_object_put(rows);
    cr_assert_null(parse(IMPORT_FORMAT_AUTO, "[{\"kind\":", &used, err));
    cr_assert_null(parse(IMPORT_FORMAT_AUTO, "{\"nothing\": 1}", &used, err));
}

Test(import, hsds_fixture)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    size_t len;
    char *buf = read_fixture("buurthuis-hsds.json", &len);
    struct json_object *rows = import_parse(IMPORT_FORMAT_AUTO, buf, len, 100, &used, err, sizeof(err));
    int activities = 0, places = 0;
    cr_assert_not_null(rows, "%s", err);
    cr_assert_eq(used, IMPORT_FORMAT_HSDS);
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        const char *kind = row_str(rows, i, "entry.kind");
        if (strcmp(kind, "activity") == 0) {
            activities++;
            cr_assert_eq(places, 2, "places come first");
        } else {
            places++;
        }
        if (strcmp(row_str(rows, i, "entry.external_id"), "0b3f5a2e-1c1d-4c55-9a55-6a0f1e0c0201") == 0) {
            /* the weekly rule moves the start to its first Tuesday */
            cr_assert_str_eq(row_str(rows, i, "entry.schedule.start"), "2027-01-05T14:00");
            cr_assert_str_eq(row_str(rows, i, "entry.schedule.end"), "2027-01-05T16:00");
            cr_assert_str_eq(row_str(rows, i, "entry.schedule.rrule"), "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630");
            cr_assert_str_eq(row_str(rows, i, "entry.place_external_id"), "0b3f5a2e-1c1d-4c55-9a55-6a0f1e0c0101");
            cr_assert_str_eq(row_str(rows, i, "entry.organisation.name"), "Wijkcentrum De Dalem");
        }
        if (strcmp(row_str(rows, i, "entry.external_id"), "0b3f5a2e-1c1d-4c55-9a55-6a0f1e0c0101") == 0) {
            cr_assert_str_eq(row_str(rows, i, "entry.address.street"), "Dalemplein");
            cr_assert_str_eq(row_str(rows, i, "entry.address.house_number"), "3");
            cr_assert(strstr(row_str(rows, i, "entry.opening_hours"), "\"fr\""));
        }
    }
    cr_assert_eq(activities, 2);
    json_object_put(rows);
    free(buf);
}

/* The HSDS API's own shapes: a page ({"contents": [...]}) and a bare list of services, with the
 * organization and the location nested in the service. */
Test(import, hsds_api_page_and_list_with_nested_organization)
{
    static const char service[] =
        "{\"id\":\"svc-1\",\"name\":\"Klussendienst\",\"description\":\"Hulp bij kleine klussen in huis.\","
        "\"organization\":{\"id\":\"org-9\",\"name\":\"Stichting Welzijn Gorinchem\"},"
        "\"service_at_locations\":[{\"id\":\"sal-1\",\"location\":{\"id\":\"loc-1\",\"name\":\"Welzijnspunt\","
        "\"addresses\":[{\"address_1\":\"Kerkstraat 12\",\"postal_code\":\"4201 AB\",\"city\":\"Gorinchem\"}]}}],"
        "\"schedules\":[{\"byday\":\"MO\",\"opens_at\":\"09:00\",\"closes_at\":\"12:00\"}]}";
    char doc[2048], err[IMPORT_ERR_SIZE];
    enum import_format used;

    for (int shape = 0; shape < 2; shape++) {
        struct json_object *rows;
        bool place = false, service_row = false;
        if (shape == 0)
            snprintf(doc, sizeof(doc), "{\"total_items\":1,\"total_pages\":1,\"page_number\":1,\"contents\":[%s]}",
                     service);
        else
            snprintf(doc, sizeof(doc), "[%s]", service);
        rows = import_parse(IMPORT_FORMAT_AUTO, doc, strlen(doc), 100, &used, err, sizeof(err));
        cr_assert_not_null(rows, "shape %d: %s", shape, err);
        cr_assert_eq(used, IMPORT_FORMAT_HSDS, "shape %d", shape);
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
            const char *ext = row_str(rows, i, "entry.external_id");
            if (strcmp(ext, "loc-1") == 0) {
                place = true;
                cr_assert_str_eq(row_str(rows, i, "entry.organisation.external_id"), "org-9");
                cr_assert_str_eq(row_str(rows, i, "entry.organisation.name"), "Stichting Welzijn Gorinchem");
            }
            if (strcmp(ext, "svc-1") == 0) {
                service_row = true;
                cr_assert_str_eq(row_str(rows, i, "entry.organisation.name"), "Stichting Welzijn Gorinchem");
                cr_assert_str_eq(row_str(rows, i, "entry.title"), "Klussendienst");
            }
        }
        cr_assert(service_row, "shape %d: %s", shape, json_object_to_json_string(rows));
        (void)place;
        json_object_put(rows);
    }
    /* the project's own list is not mistaken for services */
    snprintf(doc, sizeof(doc), "[{\"kind\":\"place\",\"title\":\"Buurthuis\",\"organization_id\":\"x\"}]");
    json_object_put(import_parse(IMPORT_FORMAT_AUTO, doc, strlen(doc), 100, &used, err, sizeof(err)));
    cr_assert_eq(used, IMPORT_FORMAT_JSON);
}

/* Excel's "CSV" on a Dutch Windows is Windows-1252: read as such, not refused. */
Test(import, csv_in_windows_1252)
{
    static const char csv[] = "kind;title;municipality\nplace;Caf\xE9 De Br\xFCg;GM0512\n"; /* é, ü */
    char err[IMPORT_ERR_SIZE];
    enum import_format used;
    struct json_object *rows = import_parse(IMPORT_FORMAT_AUTO, csv, strlen(csv), 100, &used, err, sizeof(err));
    cr_assert_not_null(rows, "%s", err);
    cr_assert_eq(used, IMPORT_FORMAT_CSV);
    cr_assert_str_eq(row_str(rows, 0, "entry.title"), "Café De Brüg");
    json_object_put(rows);
    /* JSON must be UTF-8 (RFC 8259): refused with the reason */
    cr_assert_null(import_parse(IMPORT_FORMAT_AUTO, "[{\"title\":\"Caf\xE9\"}]", 17, 100, &used, err, sizeof(err)));
    cr_assert(strstr(err, "UTF-8"), "%s", err);
}

Test(import, csv_round_trip_and_template)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows = parse(IMPORT_FORMAT_CSV, import_csv_template, &used, err), *entry, *again;
    char *line, *text;
    cr_assert_not_null(rows, "the template reads: %s", err);
    cr_assert_eq(json_object_array_length(rows), 1);
    cr_assert_str_eq(row_str(rows, 0, "errors"), "[ ]");
    cr_assert_eq(strncmp(import_csv_template, import_csv_header, strlen(import_csv_header)), 0);
    entry = json_object_object_get(json_object_array_get_idx(rows, 0), "entry");
    line = import_csv_row(entry);
    cr_assert_not_null(line);
    text = malloc(strlen(import_csv_header) + strlen(line) + 1);
    strcpy(text, import_csv_header);
    strcat(text, line);
    again = parse(IMPORT_FORMAT_CSV, text, &used, err);
    cr_assert_not_null(again, "%s", err);
    cr_assert(json_object_equal(entry, json_object_object_get(json_object_array_get_idx(again, 0), "entry")),
              "written and read back: %s", line);
    json_object_put(again);
    json_object_put(rows);
    free(text);
    free(line);
}

Test(import, dutch_messages)
{
    char buf[256];
    cr_assert_str_eq(import_message_nl("is required", buf, sizeof(buf)), "is verplicht");
    cr_assert_str_eq(import_message_nl("is not a known code (see GET /api/v1/themes)", buf, sizeof(buf)),
                     "is geen bekende code");
    cr_assert_str_eq(import_message_nl("must be at most 200 characters", buf, sizeof(buf)),
                     "mag hoogstens 200 tekens hebben");
    cr_assert_str_eq(import_message_nl("must be at most 200 characters or so", buf, sizeof(buf)),
                     "must be at most 200 characters or so");
    cr_assert_str_eq(import_message_nl("cannot be stored: value too long", buf, sizeof(buf)),
                     "kan niet worden opgeslagen: value too long");
    cr_assert_str_eq(import_message_nl("something else", buf, sizeof(buf)), "something else");
}
