/*
 * problem.c — RFC 9457 problem details.
 */
#include "problem.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

const char *problem_status_title(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 400 ? "OK" : "Error";
    }
}

char *problem_render(int status, const char *type, const char *detail, const char *instance,
                     struct json_object *errors, size_t *len)
{
    struct json_object *o = json_object_new_object();
    const char *text;
    size_t n;
    char *out;

    json_object_object_add(o, "type", json_object_new_string(type ? type : "about:blank"));
    json_object_object_add(o, "title", json_object_new_string(problem_status_title(status)));
    json_object_object_add(o, "status", json_object_new_int(status));
    if (detail)
        json_object_object_add(o, "detail", json_object_new_string(detail));
    if (instance)
        json_object_object_add(o, "instance", json_object_new_string(instance));
    if (errors)
        json_object_object_add(o, "errors", errors);
    text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    out = malloc(n + 1);
    if (out) {
        memcpy(out, text, n + 1);
        *len = n;
    }
    json_object_put(o);
    return out;
}

void problem_add_error(struct json_object *errors, const char *field, const char *message)
{
    struct json_object *e = json_object_new_object();
    json_object_object_add(e, "field", json_object_new_string(field));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_array_add(errors, e);
}
