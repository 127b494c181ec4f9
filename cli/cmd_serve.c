/*
 * relm serve | user | token: the HTTP server and the accounts it signs in.
 *
 *   relm serve [--listen ADDR:PORT] [--threads N] [--log-file PATH] [--trust-proxy]
 *              [--tls-cert PEM --tls-key PEM]
 *              [--fetch-mail URL --fetch-every SECONDS] [--deliver-every SECONDS]
 *              [--max-connections N] [--max-per-address N] [--idle-timeout S]
 *              [--request-timeout S] [--busy-timeout S] [--print-routes]
 *   relm user add NAME [--role admin|user] [--full-name TEXT] [--salesperson-code SP]
 *                      [--password-stdin]
 *   relm user list | show NAME | passwd NAME [--password-stdin] | disable NAME [--enable]
 *   relm token create --user NAME [--description TEXT] [--expires-in DAYS] | list | revoke ID
 *   relm backup PATH [--force]
 *
 * Passwords are read from the terminal without echo, or as one line from standard input
 * when it is not a terminal (or with --password-stdin), so scripts can create users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"

static int serve_help(void)
{
    printf(
        "usage: relm serve [--listen ADDR:PORT] [--threads N] [--log-file PATH]\n"
        "                  [--tls-cert PEM --tls-key PEM] [--trust-proxy]\n"
        "                  [--deliver-every SECONDS] [--max-connections N]\n"
        "                  [--max-per-address N] [--idle-timeout SECONDS]\n"
        "                  [--request-timeout SECONDS] [--busy-timeout SECONDS] [--print-routes]\n"
        "                  [--fetch-mail imaps://USER@HOST/MAILBOX --fetch-every SECONDS]\n\n"
        "Serve the HTTP JSON API under /api/ and the web UI under / (default listen\n"
        "address 127.0.0.1:8080; ADDR may be a host name or [IPv6]; port 0 picks a free\n"
        "port, printed at start-up). GET /healthz and GET /metrics serve monitoring.\n"
        "Every request is logged as one JSON line to standard error, or appended to\n"
        "--log-file PATH (\"off\": no request log).\n"
        "--tls-cert/--tls-key: serve https with this certificate (chain) and its key,\n"
        "PEM files; session cookies are then Secure.\n"
        "--trust-proxy: behind a reverse proxy, take the client address from\n"
        "X-Forwarded-For and the scheme from X-Forwarded-Proto (https: Secure cookies).\n"
        "Slow or idle clients cannot starve the others: at most --max-connections\n"
        "(default %d) connections are open, at most --max-per-address (default %d)\n"
        "from one client address (further ones are closed at once), a connection idle\n"
        "for --idle-timeout seconds (default %d) is closed, and a request whose headers\n"
        "and body take longer than --request-timeout seconds (default %d) to arrive is\n"
        "dropped. A body announced larger than 1 MiB is answered 413 before it is read.\n"
        "Reads never wait for a batch job (an import, a segment log) in another\n"
        "process. A change waits for it, and for this server's other changes in order\n"
        "of arrival, up to --busy-timeout seconds (default %d); then it is answered 503\n"
        "busy with Retry-After and changes nothing.\n"
        "Users sign in with accounts made by `relm user add`; scripts use tokens from\n"
        "`relm token create`. SIGINT/SIGTERM stop it after the requests in flight.\n"
        "RELM_TODAY fixes the work date. RELM_FAULT=reply is a test hook: every request\n"
        "fails after its handler ran (and so changes nothing); never set it otherwise.\n"
        "--fetch-mail runs `relm mail fetch URL` in the background at start-up and then\n"
        "every SECONDS (password from RELM_IMAP_PASSWORD or RELM_IMAP_PASSWORD_FILE),\n"
        "logging a line per run with messages to standard error.\n"
        "--deliver-every: run the e-mail outbox (as relm deliver) every SECONDS in the\n"
        "background while marketing setup has an smtp_url (default 60; 0: never).\n",
        SERVE_MAX_CONNECTIONS, SERVE_MAX_PER_ADDRESS, SERVE_IDLE_TIMEOUT, SERVE_REQUEST_TIMEOUT,
        SERVE_BUSY_TIMEOUT);
    return CLI_OK;
}

int cmd_serve(cli_t *c, int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *log_file = NULL, *fetch_mail = NULL;
    const char *tls_cert = NULL, *tls_key = NULL;
    int64_t threads = 0, fetch_every = 0, max_conn = 0, per_addr = 0, idle = 0, request = 0,
            busy = 0;
    int print_routes = 0, help = 0, trust_proxy = 0;
    const char *every = "60";
    cli_opt_t opts[] = {{"--listen", 1, &listen, NULL, NULL, NULL},
                        {"--log-file", 1, &log_file, NULL, NULL, NULL},
                        {"--trust-proxy", 0, NULL, &trust_proxy, NULL, NULL},
                        {"--tls-cert", CLI_TEXT, &tls_cert, NULL, NULL, NULL},
                        {"--tls-key", CLI_TEXT, &tls_key, NULL, NULL, NULL},
                        {"--deliver-every", CLI_TEXT, &every, NULL, NULL, NULL},
                        {"--threads", CLI_NUMBER, &threads, NULL, NULL, NULL},
                        {"--max-connections", CLI_NUMBER, &max_conn, NULL, NULL, NULL},
                        {"--max-per-address", CLI_NUMBER, &per_addr, NULL, NULL, NULL},
                        {"--idle-timeout", CLI_NUMBER, &idle, NULL, NULL, NULL},
                        {"--request-timeout", CLI_NUMBER, &request, NULL, NULL, NULL},
                        {"--busy-timeout", CLI_NUMBER, &busy, NULL, NULL, NULL},
                        {"--print-routes", 0, NULL, &print_routes, NULL, NULL},
                        {"--fetch-mail", CLI_TEXT, &fetch_mail, NULL, NULL, NULL},
                        {"--fetch-every", CLI_NUMBER, &fetch_every, NULL, NULL, NULL},
                        {"--help", 0, NULL, &help, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (help)
        return serve_help();
    if (a.npos)
        return cli_usage("serve takes no arguments (got \"%s\")", a.pos[0]);
    if (print_routes) {
        router_init();
        router_print(stdout);
        return CLI_OK;
    }
    if (fetch_every && !fetch_mail)
        return cli_usage("--fetch-every goes with --fetch-mail URL");
    if (fetch_mail && !fetch_every)
        return cli_usage("--fetch-mail needs --fetch-every SECONDS");
    char *end;
    long secs = strtol(every, &end, 10);
    if (!*every || *end || secs < 0 || secs > 86400)
        return cli_usage("--deliver-every needs a number of seconds from 0 to 86400");
    serve_opts_t o = {.db = c->db,
                      .listen = listen,
                      .today = getenv("RELM_TODAY"),
                      .threads = 8,
                      .cache_kib = 512,
                      .log_file = log_file,
                      .trust_proxy = trust_proxy,
                      .tls_cert = tls_cert,
                      .tls_key = tls_key,
                      .fetch_mail = fetch_mail,
                      .fetch_every = (long)fetch_every,
                      .deliver_every = secs};
    if (threads) {
        if (threads > 256)
            return cli_usage("--threads needs a number from 1 to 256");
        o.threads = (int)threads;
    }
    if (max_conn < 0 || max_conn > 65536)
        return cli_usage("--max-connections needs a number from 1 to 65536");
    if (per_addr < 0 || per_addr > 65536)
        return cli_usage("--max-per-address needs a number from 1 to 65536");
    if (idle < 0 || idle > 86400 || request < 0 || request > 86400 || busy < 0 || busy > 86400)
        return cli_usage("--idle-timeout, --request-timeout and --busy-timeout need seconds "
                         "from 1 to 86400");
    o.busy_timeout = (unsigned)busy;
    o.max_connections = (unsigned)max_conn;
    o.max_per_address = (unsigned)per_addr;
    o.idle_timeout = (unsigned)idle;
    o.request_timeout = (unsigned)request;
    if (o.today && !*o.today)
        o.today = NULL;
    relm_error_t err = {0};
    if (serve_run(&o, &err))
        return cli_fail(&err);
    return CLI_OK;
}

/* Read one password line: from the terminal without echo, else from stdin. */
static int read_password(const char *prompt, int from_stdin, char *buf, size_t n)
{
    FILE *in = stdin;
    struct termios old, quiet;
    int tty = !from_stdin && isatty(STDIN_FILENO);
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        } else {
            tty = 0;
        }
    }
    char *got = fgets(buf, (int)n, in);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got)
        return cli_usage("no password given (type it, or pipe it in with --password-stdin)");
    buf[strcspn(buf, "\r\n")] = '\0';
    return CLI_OK;
}

static int new_password(int from_stdin, char *buf, size_t n)
{
    int rc = read_password("New password: ", from_stdin, buf, n);
    if (rc || from_stdin || !isatty(STDIN_FILENO))
        return rc;
    char again[1100];
    if ((rc = read_password("Repeat password: ", 0, again, sizeof(again))))
        return rc;
    rc = strcmp(buf, again) ? cli_usage("the passwords differ") : CLI_OK;
    memset(again, 0, sizeof(again));
    return rc;
}

static const char *const user_cols[] = {"name",     "role",       "full_name", "salesperson_code",
                                        "disabled", "created_at", NULL};

static void user_help(void)
{
    printf("usage: relm user add NAME [--role admin|user] [--full-name TEXT]\n"
           "                 [--salesperson-code SP] [--password-stdin]\n"
           "       relm user list\n"
           "       relm user show NAME\n"
           "       relm user update NAME [--role R] [--full-name T] [--salesperson-code SP]\n"
           "       relm user passwd NAME [--password-stdin]\n"
           "       relm user disable NAME [--enable]\n\n"
           "Roles: admin (may change setup, number series, groups, templates, salespersons\n"
           "and users) and user (contacts, campaigns, interactions, segments).\n"
           "The password is read from the terminal without echo, or as one line from\n"
           "standard input when it is not a terminal.\n");
}

/*
 * The NAME of a user verb into *name, with opts and, when given is not NULL, the fields
 * of a user (add, update) into *u.
 */
static int user_args(const char *verb, int argc, char **argv, const cli_opt_t *opts, relm_user_t *u,
                     relm_mask_t *given, const char **name)
{
    cli_args_t a;
    relm_record_init(&relm_user_entity, u);
    int rc = cli_parse(argc, argv, opts, given ? &relm_user_entity : NULL, u, given, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm user %s NAME (see relm user --help)", verb);
    *name = a.pos[0];
    return CLI_OK;
}

static int user_add(cli_t *c, int argc, char **argv)
{
    int from_stdin = 0;
    cli_opt_t opts[] = {{"--password-stdin", 0, NULL, &from_stdin, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    relm_user_t u;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    const char *name = NULL;
    char pw[1100];
    int rc = user_args("add", argc, argv, opts, &u, &given, &name);
    if (rc)
        return rc;
    snprintf(u.name, sizeof(u.name), "%s", name);
    if ((rc = cli_open(c)) || (rc = new_password(from_stdin, pw, sizeof(pw))))
        return rc;
    rc = relm_user_add(c->r, &u, pw, &err);
    memset(pw, 0, sizeof(pw));
    if (rc)
        return cli_fail(&err);
    cli_show(c, &relm_user_entity, &u, NULL, NULL);
    return CLI_OK;
}

static int user_list(cli_t *c, int argc, char **argv)
{
    int rc = cli_parse_none(argc, argv, "user list");
    return rc ? rc : cli_list_records(c, &relm_user_entity, user_cols, NULL, 0, 0);
}

static int user_passwd(cli_t *c, int argc, char **argv)
{
    int from_stdin = 0;
    cli_opt_t opts[] = {{"--password-stdin", 0, NULL, &from_stdin, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    relm_user_t u;
    relm_error_t err = {0};
    const char *name = NULL;
    char pw[1100];
    int rc = user_args("passwd", argc, argv, opts, &u, NULL, &name);
    if (rc || (rc = cli_open(c)))
        return rc;
    if (relm_user_get(c->r, name, &u, &err))
        return cli_fail(&err);
    if ((rc = new_password(from_stdin, pw, sizeof(pw))))
        return rc;
    rc = relm_user_set_password(c->r, name, pw, &err);
    memset(pw, 0, sizeof(pw));
    if (rc)
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:s, s:b}", "name", u.name, "password_changed", 1));
    else
        printf("password of %s changed\n", u.name);
    return CLI_OK;
}

/* show NAME, update NAME --FIELD VALUE..., disable NAME [--enable]: then the user. */
static int user_change(cli_t *c, const char *verb, int argc, char **argv)
{
    int enable = 0, update = strcmp(verb, "update") == 0, disable = strcmp(verb, "disable") == 0;
    cli_opt_t opts[] = {{"--enable", 0, NULL, &enable, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    relm_user_t u;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    const char *name = NULL;
    int rc = user_args(verb, argc, argv, disable ? opts : NULL, &u, update ? &given : NULL, &name);
    if (rc)
        return rc;
    if (update && !given)
        return cli_usage("user update: give at least one --FIELD VALUE");
    if ((rc = cli_open(c)))
        return rc;
    if ((update && relm_user_update(c->r, name, &u, given, &err)) ||
        (disable && relm_user_disable(c->r, name, !enable, &err)) ||
        relm_user_get(c->r, name, &u, &err))
        return cli_fail(&err);
    cli_show(c, &relm_user_entity, &u, NULL, NULL);
    return CLI_OK;
}

int cmd_user(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"add", user_add, NULL},       {"list", user_list, NULL},
        {"show", NULL, user_change},   {"update", NULL, user_change},
        {"passwd", user_passwd, NULL}, {"disable", NULL, user_change},
    };
    return cli_dispatch(c, "user", verbs, sizeof(verbs) / sizeof(verbs[0]), user_help, argc, argv);
}

static void token_help(void)
{
    printf("usage: relm token create --user NAME [--description TEXT] [--expires-in DAYS]\n"
           "       relm token list\n"
           "       relm token revoke ID\n\n"
           "create prints the token once (only its hash is stored); scripts send it as\n"
           "`Authorization: Bearer TOKEN`. A token expires after 90 days unless\n"
           "--expires-in DAYS says otherwise (0: never). Changing a user's password\n"
           "revokes all of their tokens.\n");
}

static int token_create(cli_t *c, int argc, char **argv)
{
    const char *user = NULL, *description = "", *expires_in = NULL;
    cli_opt_t opts[] = {{"--user", 1, &user, NULL, NULL, NULL},
                        {"--expires-in", 1, &expires_in, NULL, NULL, NULL},
                        {"--description", 1, &description, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (!user || a.npos)
        return cli_usage("usage: relm token create --user NAME [--description TEXT]");
    char token[RELM_TOKEN_SZ], *end = NULL;
    int64_t id;
    long days = RELM_TOKEN_DAYS;
    if (expires_in) {
        days = strtol(expires_in, &end, 10);
        if (!*expires_in || *end || days < 0 || days > RELM_TOKEN_MAX_DAYS)
            return cli_usage("--expires-in needs a number of days from 0 to %d",
                             RELM_TOKEN_MAX_DAYS);
    }
    if ((rc = cli_open(c)))
        return rc;
    if (relm_token_create_expiring(c->r, user, description, (int)days, token, &id, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id, "token", token));
    else
        printf("%s\n", token);
    if (isatty(STDOUT_FILENO))
        fprintf(stderr, "relm: token %lld for %s: shown only now, keep it safe\n", (long long)id,
                user);
    memset(token, 0, sizeof(token));
    return CLI_OK;
}

static int token_list(cli_t *c, int argc, char **argv)
{
    int rc = cli_parse_none(argc, argv, "token list");
    return rc ? rc : cli_list_records(c, &relm_api_token_entity, NULL, NULL, 0, 0);
}

static int token_revoke(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    relm_error_t err = {0};
    int64_t id = 0;
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm token revoke ID");
    if ((rc = cli_parse_no(a.pos[0], "token id", &id)) || (rc = cli_open(c)))
        return rc;
    if (relm_token_revoke(c->r, id, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I}", "revoked", (json_int_t)id));
    else
        printf("revoked token %lld\n", (long long)id);
    return CLI_OK;
}

int cmd_token(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"create", token_create, NULL}, {"list", token_list, NULL}, {"revoke", token_revoke, NULL}};
    return cli_dispatch(c, "token", verbs, sizeof(verbs) / sizeof(verbs[0]), token_help, argc,
                        argv);
}

int cmd_backup(cli_t *c, int argc, char **argv)
{
    int force = 0, help = 0;
    cli_opt_t opts[] = {{"--force", 0, NULL, &force, NULL, NULL},
                        {"--help", 0, NULL, &help, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (help) {
        printf("usage: relm backup PATH [--force]\n\n"
               "Copy the database to a new file PATH while others (relm serve, batch jobs)\n"
               "go on using it. An existing PATH is refused unless --force.\n");
        return CLI_OK;
    }
    if (a.npos != 1)
        return cli_usage("usage: relm backup PATH [--force]");
    if ((rc = cli_open(c)))
        return rc;
    if (relm_backup(c->r, a.pos[0], force, &err))
        return cli_fail(&err);
    printf("backed up %s to %s\n", c->db, a.pos[0]);
    return CLI_OK;
}
