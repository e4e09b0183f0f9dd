/*
 * curl_loop.c — libcurl multi on libevent. See curl_loop.h for the contract.
 *
 * Everything runs on the owning worker's event loop; nothing is shared with
 * other threads, so nothing is locked.
 */
#include "curl_loop.h"

#include <event2/event.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "clock.h"
#include "log.h"

/* A socket libcurl asked us to watch; freed on CURL_POLL_REMOVE or with the loop. */
struct cl_sock {
    struct event *ev; /* owned */
    TAILQ_ENTRY(cl_sock) link;
};

struct curl_loop {
    struct event_base *base; /* borrowed from the worker */
    CURLM *multi;            /* owned */
    struct event *timer;     /* owned: libcurl's timeout (CURLMOPT_TIMERFUNCTION) */
    curl_loop_done_fn done;
    TAILQ_HEAD(, cl_sock) socks;
};

/* Hand every finished transfer to the owner. Runs only from our own event callbacks, never
 * from inside libcurl, so the owner may remove and clean up the handle. */
static void cl_collect(struct curl_loop *cl)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(cl->multi, &left)) != NULL) {
        void *arg = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&arg);
        cl->done(m->easy_handle, m->data.result, arg);
    }
}

/* A watched socket is ready: let libcurl do its part, then collect finished transfers. */
static void cl_on_socket_event(evutil_socket_t fd, short what, void *arg)
{
    struct curl_loop *cl = arg;
    int running = 0, action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) | ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);
    curl_multi_socket_action(cl->multi, fd, action, &running);
    cl_collect(cl);
}

/* libcurl's timeout came due: let it act on whatever timed out, then collect. */
static void cl_on_timer_event(evutil_socket_t fd, short what, void *arg)
{
    struct curl_loop *cl = arg;
    int running = 0;
    (void)fd;
    (void)what;
    curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    cl_collect(cl);
}

/* CURLMOPT_SOCKETFUNCTION: (re)arm or drop the libevent watcher of socket s. */
static int cl_on_curl_socket(CURL *easy, curl_socket_t s, int what, void *arg, void *socketp)
{
    struct curl_loop *cl = arg;
    struct cl_sock *cs = socketp;
    short events;
    (void)easy;

    if (what == CURL_POLL_REMOVE) {
        if (cs) {
            event_free(cs->ev);
            TAILQ_REMOVE(&cl->socks, cs, link);
            free(cs);
        }
        return 0;
    }
    events = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) | ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
    if (cs == NULL) {
        cs = calloc(1, sizeof(*cs));
        if (cs == NULL)
            return -1;
        cs->ev = event_new(cl->base, s, events, cl_on_socket_event, cl);
        if (cs->ev == NULL) {
            free(cs);
            return -1;
        }
        TAILQ_INSERT_TAIL(&cl->socks, cs, link);
        curl_multi_assign(cl->multi, s, cs);
    } else {
        event_del(cs->ev);
        event_assign(cs->ev, cl->base, s, events, cl_on_socket_event, cl);
    }
    event_add(cs->ev, NULL);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer, re-armed as libcurl asks (never act from inside). */
static int cl_on_curl_timer(CURLM *multi, long timeout_ms, void *arg)
{
    struct curl_loop *cl = arg;
    (void)multi;
    if (timeout_ms < 0) {
        evtimer_del(cl->timer);
    } else {
        struct timeval tv = clock_timeval(timeout_ms);
        evtimer_add(cl->timer, &tv);
    }
    return 0;
}

struct curl_loop *curl_loop_new(struct event_base *base, long max_connections, curl_loop_done_fn done)
{
    struct curl_loop *cl = calloc(1, sizeof(*cl));
    if (cl == NULL)
        return NULL;
    cl->base = base;
    cl->done = done;
    TAILQ_INIT(&cl->socks);
    cl->multi = curl_multi_init();
    cl->timer = evtimer_new(base, cl_on_timer_event, cl);
    if (cl->multi == NULL || cl->timer == NULL) {
        curl_loop_free(cl);
        return NULL;
    }
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, cl_on_curl_socket);
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, cl_on_curl_timer);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
    curl_multi_setopt(cl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_connections);
    /* "Nothing waits" holds only with libcurl's threaded (or c-ares) resolver. */
    if ((curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_ASYNCHDNS) == 0)
        log_msg(LOG_WARN, "this libcurl resolves names synchronously; DNS lookups will block worker 0");
    return cl;
}

int curl_loop_add(struct curl_loop *cl, CURL *easy, void *arg)
{
    curl_easy_setopt(easy, CURLOPT_PRIVATE, arg);
    return curl_multi_add_handle(cl->multi, easy) == CURLM_OK ? 0 : -1;
}

void curl_loop_remove(struct curl_loop *cl, CURL *easy)
{
    curl_multi_remove_handle(cl->multi, easy);
}

void curl_loop_free(struct curl_loop *cl)
{
    struct cl_sock *cs;

    if (cl == NULL)
        return;
    if (cl->multi)
        curl_multi_cleanup(cl->multi);
    while ((cs = TAILQ_FIRST(&cl->socks)) != NULL) {
        TAILQ_REMOVE(&cl->socks, cs, link);
        event_free(cs->ev);
        free(cs);
    }
    if (cl->timer)
        event_free(cl->timer);
    free(cl);
}
