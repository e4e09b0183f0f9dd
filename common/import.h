/*
 * import: a file another sociale kaart exported (Open Referral HSDS 3.0 JSON,
 * this project's own JSON, CSV with the columns of docs/import.md) as rows
 * for api_import (sql/api/imports.sql), and entries back as CSV for export.
 *
 * Pure: no I/O, no global state; the caller hands in the bytes. Each row is
 * {"row": n, "entry": {...}, "errors": [...]}: entry has the API's entry
 * shape plus kind, external_id, organisation {external_id, name} and
 * place_external_id, with vocabulary codes (themes, audiences, areas,
 * accessibility, support_kind, for_whom) and the municipality kept as the
 * file gave them (SQL maps them); errors are what this module and
 * validate_entry find wrong with the row's shape (field paths of the entry,
 * or the CSV column). n is the row a person finds in the file: the CSV line
 * of a spreadsheet (the header is row 1), the position in a JSON list (from
 * 1), the HSDS service or location (services first, then locations).
 */
#ifndef SK_IMPORT_H
#define SK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum import_format {
    IMPORT_FORMAT_AUTO, /* from the file: JSON with "services" is HSDS, other JSON ours, else CSV */
    IMPORT_FORMAT_HSDS,
    IMPORT_FORMAT_JSON,
    IMPORT_FORMAT_CSV,
};

enum {
    IMPORT_JSON_DEPTH = 32, /* nesting an HSDS dataset needs (services → locations → addresses) */
    IMPORT_ERR_SIZE = 256,  /* bytes of a file-level error message */
};

/* "hsds", "json", "csv", "auto" → the format; -1 for anything else. */
int import_format_parse(const char *name, enum import_format *out);
const char *import_format_name(enum import_format f);

/*
 * Parse the file buf (len bytes, borrowed, no NUL needed) into a new json-c
 * array of rows (the caller owns it: json_object_put), at most max_rows of
 * them. *used is set to the format that was read. On a file that cannot be
 * read at all (not UTF-8, broken JSON or CSV, an unknown CSV column, more
 * than max_rows rows) returns NULL and a message in err (Dutch, B1, for the
 * person importing).
 */
struct json_object *import_parse(enum import_format fmt, const char *buf, size_t len, size_t max_rows,
                                 enum import_format *used, char *err, size_t errsize);

/* The CSV header line ("kind,external_id,...\n") and the template: the header and one example row. */
extern const char import_csv_header[];
extern const char import_csv_template[];

/*
 * One exported entry (sk_export_entry's shape, borrowed) as a CSV line with
 * the header's columns, '\n'-terminated. Returns a malloc'd string the caller
 * frees, NULL when out of memory.
 */
char *import_csv_row(struct json_object *entry);

/*
 * A Dutch (B1) text for a validation message of the API (English), or the
 * message itself when there is none. The text is a constant, message, or
 * written into buf (caller's, cap bytes; 256 is plenty).
 */
const char *import_message_nl(const char *message, char *buf, size_t cap);

#endif
