/*
 * main.c — socialekaartd: load the configuration, open the listening socket,
 * start the workers, and on SIGTERM/SIGINT drain them and exit 0.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg.h"
#include "client.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "routes.h"
#include "schema.h"
#include "sindex.h"
#include "worker.h"

/* Bind and listen; -1 with errno on failure. */
static int listen_socket(const struct sk_config *cfg)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int one = 1, fd;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, cfg->listen_addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)cfg->port);
        len = sizeof(struct sockaddr_in);
    } else if (inet_pton(AF_INET6, cfg->listen_addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)cfg->port);
        len = sizeof(struct sockaddr_in6);
    } else {
        errno = EINVAL;
        return -1;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 1024) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/*
 * Room for max_connections client sockets plus the database pools and a margin: raise the
 * soft limit on open files towards the hard one. A lower hard limit is logged, not fatal.
 */
static void raise_file_limit(const struct sk_config *cfg, int workers)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)cfg->max_connections + (rlim_t)workers * (rlim_t)(cfg->db_pool_size + 8) + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
        log_msg(LOG_WARN, "open files are limited to %llu, less than max_connections needs (%llu)",
                (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

static int worker_count(const struct sk_config *cfg)
{
    long n = cfg->workers > 0 ? cfg->workers : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct event_base *base = arg;
    (void)what;
    log_msg(LOG_INFO, "received %s: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    event_base_loopbreak(base);
}

static void usage(void)
{
    fprintf(stderr, "usage: socialekaartd [--config FILE] [--key value ...]\n\n");
    cfg_print_help("socialekaartd");
}

int main(int argc, char **argv)
{
    static struct sk_config cfg;                    /* read-only once loaded; shared by every worker */
    static _Atomic uint64_t write_gen;              /* shared: workers' reply caches check it (cache.h) */
    static _Atomic int open_connections;            /* shared: every worker's client connections (conn.h) */
    static uint8_t client_key[CLIENT_HASH_KEY_LEN]; /* read-only once drawn: keys the client hashes */
    char err[512], conninfo[1024];
    struct event_base *base;
    struct event *sigterm, *sigint;
    struct ratelimit *rl, *rl_expensive, *rl_wish;
    struct worker *workers;
    struct sindex *index = NULL;
    int argi, lfd, n;

    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage();
        return 0;
    }
    if (cfg_load(&cfg, argc, argv, &argi, err, sizeof(err)) < 0 || argi != argc) {
        fprintf(stderr, "socialekaartd: %s\n", argi != argc ? "unexpected argument" : err);
        return 2;
    }
    log_set_level(cfg.log_level);
    if (cfg_conninfo(&cfg, conninfo, sizeof(conninfo)) < 0) {
        log_msg(LOG_ERROR, "cannot build the database connection string from data_dir");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) { /* once, before any thread (webhook.c) */
        log_msg(LOG_ERROR, "cannot initialise libcurl");
        return 1;
    }
    evthread_use_pthreads();
    lfd = listen_socket(&cfg);
    if (lfd < 0) {
        log_msg(LOG_ERROR, "cannot listen on %s:%d: %s", cfg.listen_addr, cfg.port, strerror(errno));
        return 1;
    }
    if (getrandom(client_key, sizeof(client_key), 0) != (ssize_t)sizeof(client_key)) {
        log_msg(LOG_ERROR, "no randomness available for the client hash key");
        return 1;
    }
    rl = ratelimit_new(cfg.rate_limit_rps, cfg.rate_limit_burst);
    rl_expensive = ratelimit_new(cfg.expensive_rate_limit_rps, cfg.expensive_rate_limit_burst);
    rl_wish = ratelimit_new_interval(3600000000u / (uint64_t)cfg.wishes_per_hour, cfg.wishes_per_hour);
    n = worker_count(&cfg);
    raise_file_limit(&cfg, n);
    workers = calloc((size_t)n, sizeof(*workers));
    base = event_base_new();
    if (metrics_init(n, routes_count) < 0)
        log_msg(LOG_WARN, "no memory for the metrics: /metrics stays empty");
    if (workers == NULL || base == NULL)
        return 1;
    /* the index follows the database anonymous searches read: a replica when there is one */
    if (cfg.search_index &&
        (index = sindex_start(&cfg, cfg.database_read_url[0] ? cfg.database_read_url : conninfo, &write_gen)) == NULL) {
        log_msg(LOG_ERROR, "cannot start the search index");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        workers[i].index = i;
        workers[i].sindex = index;
        workers[i].cfg = &cfg;
        workers[i].conninfo = conninfo;
        workers[i].ratelimit = rl;
        workers[i].expensive_ratelimit = rl_expensive;
        workers[i].wish_ratelimit = rl_wish;
        workers[i].client_key = client_key;
        workers[i].open_connections = &open_connections;
        workers[i].write_gen = &write_gen;
        workers[i].listen_fd = fcntl(lfd, F_DUPFD_CLOEXEC, 0);
        if (workers[i].listen_fd < 0 || worker_start(&workers[i]) < 0) {
            log_msg(LOG_ERROR, "cannot start worker %d", i);
            return 1;
        }
    }
    sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    sigint = evsignal_new(base, SIGINT, on_signal, base);
    evsignal_add(sigterm, NULL);
    evsignal_add(sigint, NULL);
    log_msg(LOG_INFO, "socialekaartd %s listening on http://%s:%d with %d workers, schema version %d", SK_VERSION,
            cfg.listen_addr, cfg.port, n, schema_expected_version());

    event_base_dispatch(base);

    close(lfd); /* workers close their own copies */
    for (int i = 0; i < n; i++)
        worker_stop(&workers[i]);
    for (int i = 0; i < n; i++)
        worker_join(&workers[i]);
    event_free(sigterm);
    event_free(sigint);
    event_base_free(base);
    free(workers);
    metrics_free();
    sindex_stop(index); /* after the workers: no reader is left */
    ratelimit_free(rl);
    ratelimit_free(rl_expensive);
    ratelimit_free(rl_wish);
    curl_global_cleanup();
    log_msg(LOG_INFO, "stopped");
    return 0;
}
