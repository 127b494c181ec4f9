/*
 * relm campaign: add, list, show (with statistics), update, delete, and the campaign's
 * entries (list, show, cancel, delete).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cols[] = {
    "no",        "description", "starting_date", "ending_date", "salesperson_code", "status_code",
    "activated", NULL};

static const char extra_help[] =
    "  entries NO [--limit N]            list the campaign's entries\n"
    "  entry show ENTRY                  show one campaign entry\n"
    "  entry cancel ENTRY                cancel (or undo the cancel of) a campaign entry and\n"
    "                                    its interaction log entries\n"
    "  entry delete ENTRY                delete a canceled campaign entry together with its\n"
    "                                    interaction log entries (prints how many)\n"
    "deleting a campaign deletes its campaign entries; its interaction log entries stay,\n"
    "keeping campaign_no\n";

static int cmd_entries(cli_t *c, int argc, char **argv)
{
    const relm_entity_t *e = &relm_campaign_entry_entity;
    int64_t lim = 0;
    cli_opt_t opts[] = {{"--limit", CLI_NUMBER, &lim, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_begin(c, argc, argv, opts, 1, &a, "campaign entries NO [--limit N]");
    if (rc)
        return rc;
    relm_error_t err = {0};
    relm_campaign_t cmp;
    if (relm_campaign_get(c->r, a.pos[0], &cmp, &err))
        return cli_fail(&err);
    relm_filter_t f;
    memset(&f, 0, sizeof(f));
    f.field = relm_field_index(e, "campaign_no");
    strcpy(f.op, "=");
    snprintf(f.value, sizeof(f.value), "%s", cmp.no);
    return cli_list_records(c, e, NULL, &f, 1, (long)lim);
}

static int entry_get(relm_t *r, int64_t entry_no, void *out, relm_error_t *err)
{
    return relm_campaign_entry_get(r, entry_no, out, err);
}

/* entry show|cancel|delete ENTRY: a cancel or delete takes the entry's interactions along. */
static int entry_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    static const cli_entry_kind_t kind = {
        "campaign entry",
        &relm_campaign_entry_entity,
        entry_get,
        relm_campaign_entry_cancel,
        relm_campaign_entry_delete,
        "interactions_deleted",
        "deleted campaign entry %lld and %lld interaction log entries\n"};
    return cli_entry_verb(c, &kind, verb, argc, argv);
}

static int cmd_entry(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"show", NULL, entry_verb}, {"cancel", NULL, entry_verb}, {"delete", NULL, entry_verb}};
    return cli_dispatch(c, "campaign entry", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

int cmd_campaign(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"entries", cmd_entries, NULL}, {"entry", cmd_entry, NULL}};
    static const cli_entity_spec_t spec = {
        &relm_campaign_entity,           "NO", cols, extra_help, NULL, verbs,
        sizeof(verbs) / sizeof(verbs[0])};
    return cli_entity(c, &spec, argc, argv);
}
