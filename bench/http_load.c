/*
 * relm-bench-http-load: a closed-loop HTTP/1.1 load generator for the HTTP benchmark.
 *
 *   relm-bench-http-load PORT CONNECTIONS SECONDS TOKEN CONTACTS get|post
 *
 * CONNECTIONS keep-alive connections to 127.0.0.1:PORT, each sending its next request as
 * soon as the previous reply is complete, for SECONDS seconds, all from one epoll thread.
 * get: GET /api/interactions?contact_no=CT.......&limit=20 of a random person among the
 * first CONTACTS contacts; post: POST /api/interactions (JSON body: that contact, template
 * OUTGOING, a description; contact_no also in the query for the floor). Every request
 * carries "Authorization: Bearer TOKEN". Prints one line of JSON: requests per second,
 * median and p99 latency, and the count of replies that were not 2xx.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

typedef struct client {
    int fd;
    double sent;
    char in[256 * 1024];
    size_t have;
} client_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t seed = 42;
static long g_contacts;
static const char *g_token;
static int g_post;

static void send_request(client_t *c)
{
    char req[1024], body[256];
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    long k = (long)((seed >> 33) % (uint64_t)g_contacts) + 1;
    if ((k - 1) % 10 == 0) /* persons only, as the history benchmark */
        k = k + 1 > g_contacts ? k - 1 : k + 1;
    int n;
    if (g_post) {
        int bl = snprintf(body, sizeof(body),
                          "{\"contact_no\": \"CT%07ld\", \"interaction_template_code\": "
                          "\"OUTGOING\", \"description\": \"Benchmark call\"}",
                          k);
        n = snprintf(req, sizeof(req),
                     "POST /api/interactions?contact_no=CT%07ld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\n\r\n%s",
                     k, g_token, bl, body);
    } else {
        n = snprintf(req, sizeof(req),
                     "GET /api/interactions?contact_no=CT%07ld&limit=20 HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
                     k, g_token);
    }
    c->sent = now();
    c->have = 0;
    if (write(c->fd, req, (size_t)n) != n) {
        perror("relm-bench-http-load: write");
        exit(1);
    }
}

/* 1 and *status when c->in holds a whole reply (Content-Length bodies only). */
static int complete(const client_t *c, int *status)
{
    const char *end = memmem(c->in, c->have, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end - c->in) + 4;
    long len = 0;
    for (const char *p = c->in; p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
        if (*p == '\n')
            p++;
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            len = atol(p + 15);
    }
    if (c->have < head + (size_t)len)
        return 0;
    *status = atoi(c->in + 9);
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: relm-bench-http-load PORT CONNECTIONS SECONDS TOKEN CONTACTS "
                        "get|post\n");
        return 2;
    }
    int port = atoi(argv[1]), nconn = atoi(argv[2]);
    double seconds = atof(argv[3]);
    g_token = argv[4];
    g_contacts = atol(argv[5]);
    g_post = strcmp(argv[6], "post") == 0;
    client_t *cl = calloc((size_t)nconn, sizeof(*cl));
    size_t cap = 1 << 22, nlat = 0;
    double *lat = malloc(cap * sizeof(double));
    int ep = epoll_create1(0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    for (int i = 0; i < nconn; i++) {
        cl[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(cl[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(cl[i].fd, (struct sockaddr *)&sa, sizeof(sa))) {
            perror("relm-bench-http-load: connect");
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cl[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev);
    }
    double t0 = now(), stop = t0 + seconds;
    for (int i = 0; i < nconn; i++)
        send_request(&cl[i]);
    long bad = 0;
    struct epoll_event evs[256];
    while (now() < stop) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            client_t *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, c->in + c->have, sizeof(c->in) - c->have);
            if (r <= 0) {
                fprintf(stderr, "relm-bench-http-load: the server closed a connection\n");
                return 1;
            }
            c->have += (size_t)r;
            int status;
            if (!complete(c, &status))
                continue;
            double t = now();
            if (nlat < cap)
                lat[nlat++] = t - c->sent;
            if (status < 200 || status > 299)
                bad++;
            if (t < stop)
                send_request(c);
        }
    }
    double elapsed = now() - t0;
    qsort(lat, nlat, sizeof(double), cmp_double);
    printf("{\"requests\": %zu, \"seconds\": %.3f, \"rps\": %.1f, \"p50_ms\": %.3f, "
           "\"p99_ms\": %.3f, \"not_2xx\": %ld}\n",
           nlat, elapsed, (double)nlat / elapsed, nlat ? lat[nlat / 2] * 1e3 : 0,
           nlat ? lat[(size_t)((double)nlat * 0.99)] * 1e3 : 0, bad);
    return 0;
}
