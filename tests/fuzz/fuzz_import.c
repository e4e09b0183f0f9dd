/*
 * fuzz_import.c — the import readers of common/import.c (CSV through libcsv,
 * HSDS 3.0, the project's JSON) and the CSV writer. The first byte picks the
 * format (auto, hsds, json, csv), the rest is the file. A file that reads must
 * give rows each with an entry and an error list, and every entry must write
 * as a CSV line that reads back as one row.
 */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum import_format used;
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows;
    double t0 = fuzz_cpu_ms();

    if (size == 0)
        return 0;
    rows = import_parse((enum import_format)(data[0] % 4), (const char *)data + 1, size - 1, 1000, &used, err,
                        sizeof(err));
    if (rows == NULL) {
        if (err[0] == '\0')
            abort(); /* a refusal says why */
    } else {
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
            struct json_object *row = json_object_array_get_idx(rows, i), *entry, *errs, *again;
            char *line, *text;
            size_t hl = strlen(import_csv_header), ll;
            if (!json_object_object_get_ex(row, "entry", &entry) || !json_object_object_get_ex(row, "errors", &errs) ||
                !json_object_is_type(errs, json_type_array))
                abort();
            if ((line = import_csv_row(entry)) == NULL)
                abort();
            ll = strlen(line);
            text = malloc(hl + ll + 1);
            memcpy(text, import_csv_header, hl);
            memcpy(text + hl, line, ll + 1);
            again = import_parse(IMPORT_FORMAT_CSV, text, hl + ll, 10, &used, err, sizeof(err));
            /* what we write we read: one row, or none when the entry had no column of ours */
            if (again == NULL || json_object_array_length(again) > 1)
                abort();
            json_object_put(again);
            free(text);
            free(line);
        }
        json_object_put(rows);
    }
    fuzz_check_time(t0, "import_parse");
    return 0;
}
