/*
 * relm serve: starts libmicrohttpd with its internal epoll thread pool on the listen
 * address, waits for SIGINT or SIGTERM, then shuts down gracefully: it stops accepting
 * connections, lets the requests in flight finish (bounded wait), and stops the pool.
 * Each pool thread closes its own database connection as it ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "http.h"

#define DRAIN_SECONDS 10

static int parse_listen(const char *s, struct sockaddr_in *sa, relm_error_t *err)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - s) >= sizeof(host))
        return relm_error_set(err, RELM_EUSAGE, "--listen needs ADDR:PORT, not \"%s\"", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return relm_error_set(err, RELM_EUSAGE, "--listen: \"%s\" is not a port", colon + 1);
    if (!host[0])
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return relm_error_set(err, RELM_EUSAGE, "--listen: \"%s\" is not an IPv4 address", host);
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

static unsigned connections(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return i ? i->num_connections : 0;
}

int serve_run(const serve_opts_t *o, relm_error_t *err)
{
    struct sockaddr_in sa;
    int rc = parse_listen(o->listen, &sa, err);
    if (rc)
        return rc;
    /* Fail early (and in the foreground) when the database cannot be opened. */
    relm_t *probe;
    if ((rc = relm_open(o->db, 0, &probe, err)))
        return rc;
    relm_close(probe);
    router_init();
    http_set_db(o->db, o->today, o->cache_kib);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Block the signals before the pool starts, so only sigwait() below receives them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, http_access, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
        MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK,
        http_uri_log, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_END);
    if (!d)
        return relm_error_set(err, RELM_EIO, "cannot listen on %s: %s", o->listen,
                              strerror(errno ? errno : EADDRINUSE));
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
    if (o->deliver_every > 0 &&
        (rc = deliver_worker_start(o->db, o->today, o->deliver_every, err))) {
        MHD_stop_daemon(d);
        return rc;
    }
    printf("relm serving %s on http://%s:%u/\n", o->db, host,
           di ? (unsigned)di->port : (unsigned)ntohs(sa.sin_port));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    fprintf(stderr, "relm: signal %d: finishing requests in flight\n", sig);
    MHD_socket ls = MHD_quiesce_daemon(d);
    time_t until = time(NULL) + DRAIN_SECONDS;
    while (connections(d) > 0 && time(NULL) < until) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    deliver_worker_stop();
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    fprintf(stderr, "relm: stopped\n");
    return 0;
}
