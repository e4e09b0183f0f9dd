/*
 * curl_loop.h — libcurl's multi interface driven by a libevent loop.
 *
 * What it is for: the daemon's outgoing transfers (webhook notices in
 * webhook.c, e-mail to partners in mail.c) run on a worker's event loop
 * without waiting: libcurl tells us which sockets and which timeout to watch
 * (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION), libevent tells libcurl when they
 * are ready (curl_multi_socket_action), and every finished transfer is handed
 * to the owner's done callback. DNS runs in libcurl's resolver thread.
 *
 * Ownership: the loop owns its multi handle, its timer and the socket
 * watchers. The easy handles stay the caller's: added with curl_loop_add,
 * taken out again with curl_loop_remove (before curl_easy_cleanup), also from
 * inside the done callback.
 *
 * Not for: building requests or judging their outcome (the callers do).
 */
#ifndef SK_CURL_LOOP_H
#define SK_CURL_LOOP_H

#include <curl/curl.h>

struct event_base;
struct curl_loop;

/* A transfer finished: easy (still in the loop until curl_loop_remove), libcurl's result, the arg given to add. */
typedef void (*curl_loop_done_fn)(CURL *easy, CURLcode result, void *arg);

/*
 * A loop on base (borrowed; must outlive the loop) that keeps at most
 * max_connections connections open and calls done for each finished
 * transfer. NULL when out of memory. curl_global_init must have run.
 */
struct curl_loop *curl_loop_new(struct event_base *base, long max_connections, curl_loop_done_fn done);

/* Start easy; done gets arg (kept in CURLINFO_PRIVATE). 0, or -1 when libcurl refuses it. */
int curl_loop_add(struct curl_loop *cl, CURL *easy, void *arg);

/* Take easy out of the loop (finished or not); the caller then cleans it up. */
void curl_loop_remove(struct curl_loop *cl, CURL *easy);

/* Free the loop. Remove every easy handle first (abandoned transfers are the caller's). NULL is fine. */
void curl_loop_free(struct curl_loop *cl);

#endif
