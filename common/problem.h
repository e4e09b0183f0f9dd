/*
 * problem.h — RFC 9457 problem details (application/problem+json).
 *
 * Every error the API gives is built here, so they all have the same shape:
 * {"type","title","status","detail","instance","errors":[{"field","message"}]}.
 * Types, titles and the reason phrases come from the contract (contract.h).
 * Pure functions over json-c; no I/O.
 */
#ifndef SK_PROBLEM_H
#define SK_PROBLEM_H

#include <stddef.h>

struct json_object;

/* The reason phrase of an HTTP status ("Not Found"); "Error" if unknown. */
const char *problem_status_title(int status);

/*
 * Render a problem. type NULL means "about:blank" (the status says it all);
 * detail and instance may be NULL. errors, when not NULL, is an array of
 * {"field","message"} objects; ownership passes to this function.
 * Returns a malloc'd NUL-terminated string (caller frees) and its length in
 * *len, or NULL when out of memory.
 */
char *problem_render(int status, const char *type, const char *detail, const char *instance, struct json_object *errors,
                     size_t *len);

/*
 * The problem text body (borrowed; typically one the SQL API wrote) with
 * "instance": instance added when it has none, so every problem the API
 * gives names its request path (the one dialect, contract.def). Returns a
 * malloc'd string (caller frees) and its length in *len, or NULL when
 * nothing needs adding (body already has an instance, or is not a JSON
 * object) or when out of memory: the caller then sends body as it is.
 */
char *problem_add_instance(const char *body, const char *instance, size_t *len);

/* Append {"field": field, "message": message} to the array errors (owned by caller). */
void problem_add_error(struct json_object *errors, const char *field, const char *message);

#endif
