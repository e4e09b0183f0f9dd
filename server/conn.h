/*
 * conn.h — a worker's client connections: how many there are, and how long
 * each may take to send a request.
 *
 * What it is for: evhttp 2.1 bounds a connection only by inactivity, so a
 * client that sends one byte a second keeps its connection (and its file
 * descriptor) forever, and it has no cap on connections. This module sees
 * every connection from its creation (evhttp's bufferevent hook) to its end
 * (the connection's close callback) and enforces two settings:
 *   max_connections          across all workers; a connection over it is
 *                            closed at once (no busy accept loop, no 503
 *                            storm: the client simply retries);
 *   request_read_timeout_ms  from accepting a connection or answering its
 *                            previous request, a client must deliver a whole
 *                            request in this time, or it is cut off.
 * It also sets TCP_NODELAY on every accepted socket: no answer waits for a
 * delayed ACK (a reply written in two pieces otherwise stalls 40 ms).
 *
 * How: the bufferevent hook runs inside evhttp's accept, before evhttp has
 * set up the connection. The module records the new bufferevent (holding a
 * reference so it cannot vanish) and activates a high-priority event that
 * runs right after the accept, before any event of the new connection; it
 * then learns the evhttp_connection (the bufferevent's callback argument)
 * and installs its close callback. The maintenance tick shuts down the
 * sockets of connections past their deadline; evhttp then frees them
 * through its normal error path.
 *
 * Ownership: the worker owns its conn_table (conn_table_free after
 * evhttp_free). Each struct conn is owned by the table and freed by the
 * close callback; a request that is being handled points at its conn and the
 * conn points back (http.c), and the close callback breaks both links.
 */
#ifndef SK_CONN_H
#define SK_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct evhttp;
struct evhttp_connection;
struct conn;
struct conn_table;
struct req_ctx;

/*
 * A table for one worker's evhttp. open is the daemon-wide count of
 * connections (borrowed, shared by every worker). The base must have been
 * given two priorities (event_base_priority_init) before evhttp made its
 * events. NULL when out of memory.
 */
struct conn_table *conn_table_new(struct event_base *base, struct evhttp *http, _Atomic int *open, int max_connections,
                                  int request_read_timeout_ms);

/* After evhttp_free: release what is left. NULL is fine. */
void conn_table_free(struct conn_table *t);

/* The tracked connection of evcon, or NULL (not tracked: never enforced). */
struct conn *conn_find(struct conn_table *t, struct evhttp_connection *evcon);

/* A whole request arrived on c: no read deadline while it is being answered. */
void conn_request_begins(struct conn *c, struct req_ctx *ctx);

/* The request on c was answered at now_ms: the next one must arrive in time. */
void conn_request_ends(struct conn *c, uint64_t now_ms);

/* From the maintenance tick: cut off connections past their deadline. */
void conn_table_tick(struct conn_table *t, uint64_t now_ms);

/* Connections this worker holds now. */
int conn_table_count(const struct conn_table *t);

#endif
