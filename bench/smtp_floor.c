/*
 * relm-bench-smtp-floor URL N: the floor of the delivery benchmark (bench/deliver.py). Sends
 * N copies of one prebuilt message of about the size relm sends, in a plain libcurl loop on
 * one easy handle (so one connection, as relm's run keeps), and prints the messages per
 * second. No database, no merge, no MIME building: what the SMTP path alone costs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static const char message[] = "Date: Sun, 15 Mar 2026 10:00:00 +0000\r\n"
                              "From: Jim Olive <jim.olive@cronus.example>\r\n"
                              "Subject: =?UTF-8?B?VsOlcm55dHQgw6bDuMOl?=\r\n"
                              "To: Bench Person <p@bench.example>\r\n"
                              "Message-Id: <relm.1.000000000000000000000000@cronus.example>\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: 7bit\r\n"
                              "\r\n"
                              "Dear Bench Person, here is our spring news.\r\n";

typedef struct upload {
    const char *p;
    size_t left;
} upload_t;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
    upload_t *u = ctx;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: relm-bench-smtp-floor URL N\n");
        return 2;
    }
    long n = atol(argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, "<p@bench.example>");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long failed = 0;
    for (long i = 0; i < n; i++) {
        upload_t u = {message, sizeof(message) - 1};
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, argv[1]);
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, "<jim.olive@cronus.example>");
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(h, CURLOPT_READDATA, &u);
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
        if (curl_easy_perform(h) != CURLE_OK)
            failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%ld messages in %.3f s: %.1f messages/s (%ld failed)\n", n, s, (double)n / s, failed);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
