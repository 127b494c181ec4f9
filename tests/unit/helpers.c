/*
 * Unit test fixtures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define MAX_OPEN 16

static struct {
    relm_t *r;
    char path[256];
} open_dbs[MAX_OPEN];

relm_t *test_db_new(void)
{
    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/relm-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    relm_t *r = NULL;
    relm_error_t err = {0};
    int rc = relm_open(path, RELM_OPEN_CREATE, &r, &err);
    if (rc)
        fail_msg("open %s: %s", path, err.message);
    assert_int_equal(relm_set_workdate(r, "2026-03-15", &err), 0);
    for (int i = 0; i < MAX_OPEN; i++) {
        if (!open_dbs[i].r) {
            open_dbs[i].r = r;
            snprintf(open_dbs[i].path, sizeof(open_dbs[i].path), "%s", path);
            break;
        }
    }
    return r;
}

const char *test_db_path(relm_t *r)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_dbs[i].r == r)
            return open_dbs[i].path;
    return "";
}

void test_db_free(relm_t *r)
{
    for (int i = 0; i < MAX_OPEN; i++) {
        if (open_dbs[i].r == r) {
            char p[300];
            relm_close(r);
            unlink(open_dbs[i].path);
            snprintf(p, sizeof(p), "%s-wal", open_dbs[i].path);
            unlink(p);
            snprintf(p, sizeof(p), "%s-shm", open_dbs[i].path);
            unlink(p);
            open_dbs[i].r = NULL;
            return;
        }
    }
    relm_close(r);
}

int64_t test_sql_int(relm_t *r, const char *sql)
{
    int64_t v = -1;
    relm_error_t err;
    if (relm_count(r, sql, NULL, &v, &err))
        fail_msg("%s: %s", sql, err.message);
    return v;
}

static void add_series(relm_t *r, const char *code, const char *start)
{
    relm_error_t err;
    relm_no_series_t ns;
    relm_record_init(&relm_no_series_entity, &ns);
    snprintf(ns.code, sizeof(ns.code), "%s", code);
    snprintf(ns.description, sizeof(ns.description), "%s numbers", code);
    if (relm_numseries_add(r, &ns, &err))
        fail_msg("series %s: %s", code, err.message);
    relm_no_series_line_t l;
    relm_record_init(&relm_no_series_line_entity, &l);
    snprintf(l.series_code, sizeof(l.series_code), "%s", code);
    snprintf(l.starting_no, sizeof(l.starting_no), "%s", start);
    if (relm_numseries_line_add(r, &l, &err))
        fail_msg("series line %s: %s", code, err.message);
}

void test_seed_series(relm_t *r)
{
    relm_error_t err;
    add_series(r, "CONT", "CT000001");
    add_series(r, "SEG", "SEG00001");
    add_series(r, "CAMP", "CMP1001");
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    relm_record_set(&relm_setup_entity, &s, &given, "contact_nos", "CONT", &err);
    relm_record_set(&relm_setup_entity, &s, &given, "segment_nos", "SEG", &err);
    relm_record_set(&relm_setup_entity, &s, &given, "campaign_nos", "CAMP", &err);
    if (relm_setup_update(r, &s, given, &err))
        fail_msg("setup: %s", err.message);
}
