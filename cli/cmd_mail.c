/*
 * relm mail import PATH... | fetch URL: mail captured as interactions (lib/mail.c).
 * Prints what each message became and a summary; --json prints one object with the counts
 * and the lists.
 */
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: relm mail import PATH...\n"
           "       relm mail fetch imaps://USER@HOST[:PORT]/MAILBOX\n\n"
           "Log e-mail as interactions (docs/mail.md). A message from a contact's e-mail\n"
           "becomes an inbound entry (template: setup inbound_email_template_code); one from\n"
           "a salesperson's e-mail an outbound entry per contact in To and Cc (template:\n"
           "setup outbound_email_template_code). Addresses match case-insensitively; other\n"
           "messages are listed as unmatched. A Message-ID already logged is a duplicate.\n\n"
           "  import PATH...  Maildir folders (cur/ and new/), mbox files, .eml files\n"
           "  fetch URL       the IMAP mailbox's messages not fetched before (imap:// tries\n"
           "                  STARTTLS); the password comes from RELM_IMAP_PASSWORD or the\n"
           "                  file named by RELM_IMAP_PASSWORD_FILE, never the command line\n\n"
           "Each message is written in its own transaction. Exit status 0 when every message\n"
           "was read (unmatched and duplicate messages included), 1 when setup is missing or\n"
           "a path, the server or the database failed (messages before it stay logged).\n");
}

typedef struct report {
    cli_t *c;
    json_t *summary; /* --json */
} report_t;

static const char *kind_name(int kind)
{
    switch (kind) {
    case RELM_MAIL_LOGGED:
        return "logged";
    case RELM_MAIL_DUPLICATE:
        return "duplicate";
    case RELM_MAIL_UNMATCHED:
        return "unmatched";
    default:
        return "warning";
    }
}

static void on_event(void *ctx, const relm_mail_event_t *ev)
{
    report_t *rp = ctx;
    if (rp->c->json)
        relm_mail_json_event(rp->summary, ev);
    else if (ev->kind == RELM_MAIL_LOGGED)
        printf("logged     entry %lld  contact %s  %s  \"%s\"%s\n", (long long)ev->entry_no,
               ev->contact_no, ev->from, ev->subject, ev->reply_to_entry_no ? "  (reply)" : "");
    else
        printf("%-10s %s  %s  \"%s\": %s\n", kind_name(ev->kind), ev->source, ev->from, ev->subject,
               ev->text);
}

static void summary(report_t *rp, const relm_mail_batch_t *b)
{
    if (rp->c->json) {
        relm_mail_json_counts(rp->summary, b);
        cli_print_json(rp->summary);
        rp->summary = NULL;
        return;
    }
    printf("%lld messages: %lld entries logged, %lld duplicates, %lld unmatched, %lld warnings\n",
           (long long)b->messages, (long long)b->logged, (long long)b->duplicates,
           (long long)b->unmatched, (long long)b->warnings);
}

/* import PATH... | fetch URL */
static int mail_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    cli_args_t a;
    int rc, fetch = strcmp(verb, "fetch") == 0;
    if ((rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a)))
        return rc;
    if (fetch && a.npos != 1)
        return cli_usage("usage: relm mail fetch imaps://USER@HOST[:PORT]/MAILBOX");
    if (!fetch && a.npos < 1)
        return cli_usage("usage: relm mail import PATH...");
    relm_error_t err = {0};
    char password[1024] = "";
    if (fetch && relm_mail_password_from_env(password, sizeof(password), &err))
        return cli_fail(&err);
    if ((rc = cli_open(c)))
        return rc;
    /* Missing setup refuses the whole command before any message is read. */
    if (relm_mail_check_setup(c->r, &err))
        return cli_fail(&err);
    report_t rp = {c, c->json ? relm_mail_json_new() : NULL};
    relm_mail_batch_t b = {on_event, &rp, 0, 0, 0, 0, 0, NULL};
    int lrc = 0;
    if (fetch)
        lrc = relm_mail_fetch(c->r, a.pos[0], password, &b, &err);
    for (int i = 0; lrc == 0 && !fetch && i < a.npos; i++)
        lrc = relm_mail_import_path(c->r, a.pos[i], &b, &err);
    memset(password, 0, sizeof(password));
    /* A failure before the first message has nothing to sum up. */
    if (lrc == 0 || b.messages > 0)
        summary(&rp, &b);
    json_decref(rp.summary);
    return lrc ? cli_fail(&err) : CLI_OK;
}

int cmd_mail(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"import", NULL, mail_verb}, {"fetch", NULL, mail_verb}};
    return cli_dispatch(c, "mail", verbs, sizeof(verbs) / sizeof(verbs[0]), help, argc, argv);
}
