/*
 * relm serve --fetch-mail URL --fetch-every SECONDS: a background thread that runs
 * relm_mail_fetch() on the mailbox at start-up and then every SECONDS, on its own database
 * connection, and logs one line per run to standard error. Stopping lets a fetch in progress
 * finish the message it is on and ends it there (each message is its own transaction, so
 * stopping between two never leaves one half-written).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running, stop;
    char db[4096];
    char url[2048];
    char password[1024];
    char today[16];
    long every;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Asked before each message, so that stopping the server does not wait for a whole batch. */
static int stop_asked(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&w.lock);
    int stop = w.stop;
    pthread_mutex_unlock(&w.lock);
    return stop;
}

/* One fetch of the mailbox at a time: the thread's and an administrator's "fetch now". */
static pthread_mutex_t fetching = PTHREAD_MUTEX_INITIALIZER;

static void fetch_once(void)
{
    relm_error_t err = {0};
    relm_t *r = NULL;
    relm_mail_batch_t b = {0};
    b.stop = stop_asked;
    int rc = relm_open(w.db, 0, &r, &err);
    if (rc == 0 && w.today[0])
        rc = relm_set_workdate(r, w.today, &err);
    if (rc == 0) {
        pthread_mutex_lock(&fetching);
        rc = relm_mail_fetch(r, w.url, w.password, &b, &err);
        pthread_mutex_unlock(&fetching);
    }
    if (rc)
        fprintf(stderr, "relm: mail fetch %s: %s\n", w.url, err.message);
    else if (b.messages)
        fprintf(stderr,
                "relm: mail fetch %s: %lld messages: %lld entries logged, %lld duplicates, "
                "%lld unmatched, %lld warnings\n",
                w.url, (long long)b.messages, (long long)b.logged, (long long)b.duplicates,
                (long long)b.unmatched, (long long)b.warnings);
    relm_close(r);
}

static void *run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&w.lock);
    while (!w.stop) {
        pthread_mutex_unlock(&w.lock);
        fetch_once();
        pthread_mutex_lock(&w.lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w.every;
        while (!w.stop && pthread_cond_timedwait(&w.wake, &w.lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

int mail_worker_start(const serve_opts_t *o, relm_error_t *err)
{
    if (!o->fetch_mail)
        return 0;
    if (o->fetch_every <= 0)
        return relm_error_set(err, RELM_EUSAGE, "--fetch-mail needs --fetch-every SECONDS");
    if (strlen(o->db) >= sizeof(w.db) || strlen(o->fetch_mail) >= sizeof(w.url))
        return relm_error_set(err, RELM_EUSAGE, "--fetch-mail: the URL is too long");
    /* Refuse at start-up what would fail every run: no password, no setup. */
    int rc = relm_mail_password_from_env(w.password, sizeof(w.password), err);
    if (rc)
        return rc;
    relm_t *r;
    if ((rc = relm_open(o->db, 0, &r, err)))
        return rc;
    rc = relm_mail_check_setup(r, err);
    relm_close(r);
    if (rc)
        return rc;
    snprintf(w.db, sizeof(w.db), "%s", o->db);
    snprintf(w.url, sizeof(w.url), "%s", o->fetch_mail);
    snprintf(w.today, sizeof(w.today), "%s", o->today ? o->today : "");
    w.every = o->fetch_every;
    w.stop = 0;
    if (pthread_create(&w.thread, NULL, run, NULL) != 0)
        return relm_error_set(err, RELM_ENOMEM, "--fetch-mail: cannot start the fetch thread");
    w.running = 1;
    return 0;
}

void mail_worker_stop(void)
{
    if (!w.running)
        return;
    pthread_mutex_lock(&w.lock);
    w.stop = 1;
    pthread_cond_signal(&w.wake);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    w.running = 0;
    memset(w.password, 0, sizeof(w.password));
}

const char *mail_worker_url(void)
{
    return w.running ? w.url : NULL;
}

int mail_worker_fetch_now(relm_t *r, relm_mail_batch_t *b, relm_error_t *err)
{
    if (!w.running)
        return relm_error_set(err, RELM_EVALIDATION,
                              "relm serve fetches no mailbox: start it with --fetch-mail URL "
                              "--fetch-every SECONDS");
    pthread_mutex_lock(&fetching);
    int rc = relm_mail_fetch(r, w.url, w.password, b, err);
    pthread_mutex_unlock(&fetching);
    return rc;
}
