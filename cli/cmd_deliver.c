/*
 * relm deliver: send the e-mail outbox (a thin shell over relm_deliver_run in
 * lib/deliver.c), with a progress bar on a terminal and a summary line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void help(void)
{
    printf("usage: relm deliver [--logged-segment N] [--retry-errors] [--limit N]\n"
           "                    [--tries N] [--backoff-ms N]\n\n"
           "Send the waiting e-mail entries (delivery_status in_progress) through marketing\n"
           "setup's smtp_url, one message per entry, and record each outcome on the entry.\n"
           "A waiting fax entry fails at once: relm does not send faxes.\n\n"
           "  --logged-segment N  only the entries of logged segment N\n"
           "  --retry-errors      first put failed entries (and entries left being sent by\n"
           "                      a delivery that stopped) back into the outbox\n"
           "  --limit N           send at most N entries\n"
           "  --tries N           SMTP tries per entry on temporary failures (default 3)\n"
           "  --backoff-ms N      wait before the second try, doubled each time (default 1000)\n\n"
           "environment: RELM_SMTP_PASSWORD or RELM_SMTP_PASSWORD_FILE (the password of\n"
           "setup's smtp_user)\n"
           "exit status: 0 when no entry failed, 1 when one did (the summary says how many)\n");
}

static void show_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
    (void)phase;
    cli_bar_show(ctx, done, total, NULL);
}

int cmd_deliver(cli_t *c, int argc, char **argv)
{
    /* argv[0] is the noun's first word; "relm deliver" has no verb. */
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)) {
        help();
        return CLI_OK;
    }
    int64_t ls = 0, limit = 0, tries = 0, backoff = 0;
    int retry = 0;
    cli_opt_t opts[] = {{"--logged-segment", CLI_NUMBER, &ls, NULL, NULL, NULL},
                        {"--retry-errors", CLI_FLAG, NULL, &retry, NULL, NULL},
                        {"--limit", CLI_NUMBER, &limit, NULL, NULL, NULL},
                        {"--tries", CLI_NUMBER, &tries, NULL, NULL, NULL},
                        {"--backoff-ms", CLI_NUMBER, &backoff, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos)
        return cli_usage("deliver takes no arguments (see relm deliver --help)");
    if ((rc = cli_open(c)))
        return rc;
    cli_bar_t b = {"delivering", 0, 0, NULL};
    relm_deliver_opts_t o = {0};
    o.logged_segment_entry_no = ls;
    o.retry_errors = retry;
    o.limit = (long)limit;
    o.max_tries = (int)tries;
    o.backoff_ms = (long)backoff;
    if (isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.pctx = &b;
    }
    relm_deliver_result_t res;
    relm_error_t err = {0};
    rc = relm_deliver_run(c->r, &o, &res, &err);
    cli_bar_end(&b);
    if (rc)
        return cli_fail(&err);
    cli_warnings(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I, s:I, s:I, s:I}", "sent", (json_int_t)res.sent, "failed",
                                 (json_int_t)res.failed, "waiting", (json_int_t)res.waiting,
                                 "stale", (json_int_t)res.stale));
    else
        printf("sent %lld, failed %lld, waiting %lld\n", (long long)res.sent, (long long)res.failed,
               (long long)res.waiting);
    return res.failed ? CLI_FAIL : CLI_OK;
}
