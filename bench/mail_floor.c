/*
 * relm-bench-mail-floor DIR: the floor of the Maildir import benchmark (bench/portability.py).
 * Reads every file of DIR/cur and DIR/new and parses it with GMime alone, taking what relm
 * matches and stores (From, To, Subject, Date, Message-ID), and prints the messages per
 * second. No database, no matching, no entries: what reading and parsing the mail costs.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

static long parse_dir(const char *dir, long *bytes)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    long n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        gchar *text = NULL;
        gsize len = 0;
        if (!g_file_get_contents(path, &text, &len, NULL))
            continue;
        *bytes += (long)len;
        GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, len);
        GMimeParser *p = g_mime_parser_new_with_stream(st);
        GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
        if (m) {
            InternetAddressList *from = g_mime_message_get_from(m);
            char *f = from ? internet_address_list_to_string(from, NULL, FALSE) : NULL;
            InternetAddressList *to = g_mime_message_get_to(m);
            char *t = to ? internet_address_list_to_string(to, NULL, FALSE) : NULL;
            const char *subject = g_mime_message_get_subject(m);
            const char *id = g_mime_message_get_message_id(m);
            GDateTime *date = g_mime_message_get_date(m);
            if (f && (subject || id || date))
                n++;
            g_free(f);
            g_free(t);
            g_object_unref(m);
        }
        g_object_unref(p);
        g_object_unref(st);
        g_free(text);
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: relm-bench-mail-floor MAILDIR\n");
        return 2;
    }
    g_mime_init();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long bytes = 0;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/cur", argv[1]);
    long n = parse_dir(dir, &bytes);
    snprintf(dir, sizeof(dir), "%s/new", argv[1]);
    n += parse_dir(dir, &bytes);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%ld messages (%ld bytes) in %.3f s: %.1f messages/s\n", n, bytes, s, (double)n / s);
    g_mime_shutdown();
    return 0;
}
