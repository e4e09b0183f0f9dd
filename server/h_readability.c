/*
 * h_readability.c — POST /api/v1/readability: how easy a Dutch text is to
 * read, with advice in Dutch (issue 16, "B1 help for partners"). The same
 * measure shows on the partner pages' form (partner_page.c). It advises; it
 * refuses nothing. No database: the text is measured here and not kept.
 */
#include <json-c/json.h>
#include <string.h>

#include "http.h"
#include "readability.h"
#include "routes.h"

/* The measure as the API answers it. */
static struct json_object *readability_json(const struct readability *r)
{
    struct json_object *o = json_object_new_object(), *words = json_object_new_array(),
                       *sentences = json_object_new_array(), *advice = json_object_new_array();
    char text[512];

    json_object_object_add(o, "score", json_object_new_double((double)(long)(r->score * 10 + 0.5) / 10));
    json_object_object_add(o, "level", json_object_new_string(readability_level_code(r->level)));
    json_object_object_add(o, "level_nl", json_object_new_string(readability_level_nl(r->level)));
    json_object_object_add(o, "words", json_object_new_int(r->words));
    json_object_object_add(o, "sentences", json_object_new_int(r->sentences));
    json_object_object_add(o, "syllables", json_object_new_int(r->syllables));
    for (int i = 0; i < r->nlong_words; i++)
        json_object_array_add(words, json_object_new_string(r->long_words[i]));
    json_object_object_add(o, "long_words", words);
    for (int i = 0; i < r->nlong_sentences; i++) {
        struct json_object *s = json_object_new_object();
        json_object_object_add(s, "start", json_object_new_string(r->long_sentences[i]));
        json_object_object_add(s, "words", json_object_new_int(r->long_sentence_words[i]));
        json_object_array_add(sentences, s);
    }
    json_object_object_add(o, "long_sentences", sentences);
    for (int i = 0; readability_advice(r, i, text, sizeof(text)) > 0; i++)
        json_object_array_add(advice, json_object_new_string(text));
    json_object_object_add(o, "advice", advice);
    return o;
}

void h_readability(struct req_ctx *ctx)
{
    struct json_object *body = NULL, *text;
    const char *errors, *reply;
    struct readability r;

    if (http_checked_body(ctx, VALIDATE_BODY_READABILITY, &errors, &body) == NULL)
        return;
    if (http_refuse_errors(ctx, errors)) {
        json_object_put(body);
        return;
    }
    json_object_object_get_ex(body, "text", &text);
    readability_measure(json_object_get_string(text), (size_t)json_object_get_string_len(text), &r);
    json_object_put(body);
    if ((reply = http_keep_json(ctx, readability_json(&r))) != NULL)
        http_reply(ctx, 200, NULL, reply, strlen(reply));
}
