/*
 * mail.h — the e-mail sender: residents' responses to the organisation's
 * address, through the SMTP relay of smtp_url (issue 15).
 *
 * What it is for: sending what sk_response_create (sql/api/responses.sql)
 * queued in mail_outbox. Like the webhook engine, one sender runs in worker 0
 * of each daemon that has smtp_url set, on that worker's event loop:
 *   - the maintenance tick calls mail_sender_tick, which claims due e-mails
 *     (STMT_MAIL_CLAIM, FOR UPDATE SKIP LOCKED with a lease, so several
 *     daemons never send one twice while the lease holds);
 *   - each e-mail is one SMTP transaction made with libcurl (curl_loop.c):
 *     STARTTLS when the relay offers it (smtp://) or TLS from the start
 *     (smtps://), a login when the URL carries user:password, the text as a
 *     quoted-printable text/plain part (libcurl's MIME API), the subject as
 *     RFC 2047 encoded words;
 *   - the outcome goes back with STMT_MAIL_REPORT: sent, a retry with
 *     back-off, or given up (a 5xx answer at once, else after
 *     smtp_max_attempts). A sent or given-up e-mail keeps no personal data.
 * Delivery is at least once. Nothing of an e-mail (address, text) is logged.
 *
 * Not for: what an e-mail says (SQL, sk_response_mail_body) or when one is
 * queued (the daemon passes cfg_mail_link to api_response_create).
 */
#ifndef SK_MAIL_H
#define SK_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct event_base;
struct db_pool;
struct mail_sender;

/*
 * Create the sender on base with the pool db (both borrowed, must outlive
 * it; cfg read-only, smtp_url set). NULL when out of memory.
 */
struct mail_sender *mail_sender_new(struct event_base *base, struct db_pool *db, const struct sk_config *cfg);

/* Periodic work from the maintenance tick: claim due e-mails; while draining nothing new. */
void mail_sender_tick(struct mail_sender *ms, uint64_t now_ms, bool draining);

/* Free everything, abandoning sends and queries in flight (their leases run out). NULL is fine. */
void mail_sender_free(struct mail_sender *ms);

/*
 * The Subject header's value for text (UTF-8): plain when it is short
 * printable ASCII, else RFC 2047 "=?UTF-8?B?...?=" words of at most 75
 * characters, folded, never splitting a character. Into out (caller's
 * buffer); -1 when it does not fit.
 */
int mail_subject_header(const char *text, char *out, size_t cap);

#endif
