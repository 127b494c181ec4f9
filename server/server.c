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
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "http.h"

#define DRAIN_SECONDS 10

/*
 * ADDR:PORT where ADDR is an IPv4 address, a host name, or an IPv6 address in brackets
 * ("[::1]:8080"); an empty ADDR is 127.0.0.1. The first address the name resolves to is
 * used.
 */
static int parse_listen(const char *s, struct sockaddr_storage *sa, relm_error_t *err)
{
    char host[256];
    const char *colon = strrchr(s, ':');
    memset(sa, 0, sizeof(*sa));
    if (!colon || (size_t)(colon - s) >= sizeof(host))
        return relm_error_set(err, RELM_EUSAGE, "--listen needs ADDR:PORT, not \"%s\"", s);
    const char *h = s;
    size_t hl = (size_t)(colon - s);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    } else if (memchr(h, ':', hl)) {
        return relm_error_set(err, RELM_EUSAGE,
                              "--listen: write an IPv6 address in brackets, as [::1]:8080");
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return relm_error_set(err, RELM_EUSAGE, "--listen: \"%s\" is not a port", colon + 1);
    if (!host[0])
        snprintf(host, sizeof(host), "127.0.0.1");
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int grc = getaddrinfo(host, colon + 1, &hints, &res);
    if (grc != 0 || !res)
        return relm_error_set(err, RELM_EUSAGE, "--listen: \"%s\" is no address: %s", host,
                              gai_strerror(grc));
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

/* The whole of a small file (a PEM certificate or key) as text, malloc'd; NULL with err. */
static char *read_pem(const char *path, const char *what, relm_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        relm_error_set(err, RELM_EIO, "%s %s cannot be read: %s", what, path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    int whole = n < 65536 || fgetc(f) == EOF;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (buf && whole && strstr(buf, "-----BEGIN"))
        return buf;
    free(buf);
    relm_error_set(err, RELM_EUSAGE, "%s %s is not a PEM file of at most 64 KiB", what, path);
    return NULL;
}

static unsigned connections(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return i ? i->num_connections : 0;
}

int serve_run(const serve_opts_t *o, relm_error_t *err)
{
    struct sockaddr_storage sa;
    int rc = parse_listen(o->listen, &sa, err);
    if (rc)
        return rc;
    FILE *log = stderr;
    if (o->log_file && strcmp(o->log_file, "off") == 0)
        log = NULL;
    else if (o->log_file && strcmp(o->log_file, "-") != 0 && !(log = fopen(o->log_file, "a")))
        return relm_error_set(err, RELM_EIO, "--log-file %s cannot be opened: %s", o->log_file,
                              strerror(errno));
    /* Fail early (and in the foreground) when the database cannot be opened. */
    relm_t *probe;
    if ((rc = relm_open(o->db, RELM_OPEN_NO_MIGRATE, &probe, err)))
        return rc;
    relm_close(probe);
    /* TLS: both files or neither; the key and certificate are checked by the TLS library. */
    char *cert = NULL, *key = NULL;
    if (!o->tls_cert != !o->tls_key)
        return relm_error_set(err, RELM_EUSAGE, "--tls-cert and --tls-key go together");
    if (o->tls_cert) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
            return relm_error_set(err, RELM_EUSAGE, "this libmicrohttpd has no TLS support");
        if (!(cert = read_pem(o->tls_cert, "--tls-cert", err)))
            return err->code;
        if (!(key = read_pem(o->tls_key, "--tls-key", err))) {
            free(cert);
            return err->code;
        }
    }
    struct MHD_OptionItem tls_opts[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    router_init();
    http_set_db(o->db, o->today, o->cache_kib);
    const char *fault = getenv("RELM_FAULT");
    http_set_options(o->trust_proxy, fault && strcmp(fault, "reply") == 0, cert != NULL);
    ops_init(log);
    unsigned max_conn = o->max_connections ? o->max_connections : SERVE_MAX_CONNECTIONS;
    unsigned per_addr = o->max_per_address ? o->max_per_address : SERVE_MAX_PER_ADDRESS;
    unsigned idle = o->idle_timeout ? o->idle_timeout : SERVE_IDLE_TIMEOUT;
    /* Each connection holds a descriptor: make room for the limit (up to the hard one). */
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < (rlim_t)max_conn + 64) {
        nofile.rlim_cur =
            nofile.rlim_max == RLIM_INFINITY || nofile.rlim_max > (rlim_t)max_conn + 64
                ? (rlim_t)max_conn + 64
                : nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    http_set_busy_timeout(o->busy_timeout ? o->busy_timeout : SERVE_BUSY_TIMEOUT);
    http_set_request_timeout(o->request_timeout ? o->request_timeout : SERVE_REQUEST_TIMEOUT);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Block the signals before the pool starts, so only sigwait() below receives them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Started after the mask, so that the fetch thread leaves the signals to sigwait(). */
    if ((rc = mail_worker_start(o, err))) {
        free(cert);
        free(key);
        return rc;
    }

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (cert ? MHD_USE_TLS : 0),
        0, NULL, NULL, http_access, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
        MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK,
        http_uri_log, NULL, MHD_OPTION_CONNECTION_TIMEOUT, idle, MHD_OPTION_CONNECTION_LIMIT,
        max_conn, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!d) {
        int e = errno ? errno : EADDRINUSE;
        mail_worker_stop();
        free(cert);
        free(key);
        if (cert)
            return relm_error_set(err, RELM_EIO,
                                  "cannot listen on %s with TLS: check that --tls-key is the "
                                  "key of --tls-cert (%s)",
                                  o->listen, strerror(e));
        return relm_error_set(err, RELM_EIO, "cannot listen on %s: %s", o->listen, strerror(e));
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN];
    unsigned port;
    int v6 = sa.ss_family == AF_INET6;
    if (v6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
        port = ntohs(s6->sin6_port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&sa;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
        port = ntohs(s4->sin_port);
    }
    if (o->deliver_every > 0 &&
        (rc = deliver_worker_start(o->db, o->today, o->deliver_every, err))) {
        mail_worker_stop();
        MHD_stop_daemon(d);
        free(cert);
        free(key);
        return rc;
    }
    printf("relm serving %s on http%s://%s%s%s:%u/\n", o->db, cert ? "s" : "", v6 ? "[" : "", host,
           v6 ? "]" : "", di ? (unsigned)di->port : port);
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
    mail_worker_stop();
    MHD_stop_daemon(d);
    deliver_worker_stop();
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    free(cert);
    free(key);
    fprintf(stderr, "relm: stopped\n");
    if (log && log != stderr)
        fclose(log);
    return 0;
}
