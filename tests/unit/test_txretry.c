/*
 * Transactions the database aborts for a conflict (PostgreSQL: deadlock 40P01,
 * serialization failure 40001) are run again by relm_transaction(): the user's operation
 * succeeds, written once, with no number skipped; when the conflict persists the call gives
 * up after RELM_TX_ATTEMPTS runs with relm's own sentence and nothing changed.
 *
 * The deadlock is a real one between two connections: a second connection locks counter
 * row X (interaction_log_entry), the interaction create under test locks counter row Y
 * (campaign_entry, for the campaign's shared entry) and then waits for X, and the second
 * connection then asks for Y. Each side's deadlock_timeout is set so that the check runs on
 * the create's side, which PostgreSQL then aborts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "segment_fixture.h"
#include "store/store.h"

/* Fixture plus: the counter and shared campaign entries the tests look at. */
static relm_t *db(void)
{
    return fixture();
}

/*
 * PostgreSQL only: make the first `times` statements that insert into table fail with a
 * serialization failure (40001). A sequence counts the failures: it is not rolled back
 * with the aborted transaction, so the run after the last failure goes through.
 */
static void fail_inserts_with_conflict(relm_t *r, const char *table, int times)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "CREATE SEQUENCE conflict_count; "
             "CREATE FUNCTION conflict_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             "IF nextval('conflict_count') <= %d THEN RAISE EXCEPTION 'could not serialize "
             "access due to concurrent update' USING ERRCODE = '40001'; END IF; RETURN NULL; "
             "END $$; "
             "CREATE TRIGGER conflict_tr BEFORE INSERT ON %s FOR EACH STATEMENT "
             "EXECUTE FUNCTION conflict_fn()",
             times, table);
    exec_sql(r, sql);
}

static relm_mask_t entry(relm_interaction_t *rec, const char *contact, const char *campaign)
{
    relm_mask_t given = 0;
    relm_record_init(&relm_interaction_entity, rec);
    set_field(&relm_interaction_entity, rec, &given, "contact_no", contact);
    set_field(&relm_interaction_entity, rec, &given, "interaction_template_code", "CALL");
    if (campaign)
        set_field(&relm_interaction_entity, rec, &given, "campaign_no", campaign);
    return given;
}

/* ---- the runner on either engine ---- */

typedef struct counting {
    int runs;
    int fail_with; /* returned by every run (0: none) */
} counting_t;

static int write_counter(relm_t *r, void *ctx, relm_error_t *err)
{
    counting_t *c = ctx;
    c->runs++;
    int rc = relm_store_exec(r->store,
                             "UPDATE relm_counter SET value = value + 1 WHERE name = "
                             "'segment_criteria_step'",
                             err);
    if (rc == 0 && c->fail_with)
        rc = relm_error_set(err, c->fail_with, "refused by the test");
    return rc;
}

static const char sql_step_counter[] =
    "SELECT value FROM relm_counter WHERE name = 'segment_criteria_step'";

static void a_transaction_commits_once_or_rolls_back_with_its_own_error(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t before = q(r, sql_step_counter);
    counting_t ok = {0, 0};
    assert_int_equal(relm_transaction(r, write_counter, &ok, &err), 0);
    assert_int_equal(ok.runs, 1);
    assert_int_equal(q(r, sql_step_counter), before + 1);

    counting_t bad = {0, RELM_EVALIDATION};
    assert_int_equal(relm_transaction(r, write_counter, &bad, &err), RELM_EVALIDATION);
    assert_string_equal(err.message, "refused by the test");
    assert_int_equal(bad.runs, 1); /* an error of its own is never run again */
    assert_int_equal(q(r, sql_step_counter), before + 1);
    assert_int_equal(relm_store_depth(r->store), 0);
    test_db_free(r);
}

typedef struct nested {
    int runs;
    int inner_rc;
} nested_t;

static int outer_with_failing_inner(relm_t *r, void *ctx, relm_error_t *err)
{
    nested_t *n = ctx;
    n->runs++;
    counting_t inner = {0, RELM_EVALIDATION};
    relm_error_t inner_err = {0};
    n->inner_rc = relm_transaction(r, write_counter, &inner, &inner_err);
    /* The outer level goes on after its inner one was refused and rolled back. */
    return relm_store_exec(r->store,
                           "UPDATE relm_counter SET value = value + 10 WHERE name = "
                           "'segment_criteria_step'",
                           err);
}

static void a_nested_transaction_rolls_back_only_its_own_level(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t before = q(r, sql_step_counter);
    nested_t n = {0, 0};
    assert_int_equal(relm_transaction(r, outer_with_failing_inner, &n, &err), 0);
    assert_int_equal(n.runs, 1);
    assert_int_equal(n.inner_rc, RELM_EVALIDATION);
    assert_int_equal(q(r, sql_step_counter), before + 10);
    test_db_free(r);
}

/* ---- PostgreSQL: conflicts ---- */

static int pg_only(void)
{
    if (!test_on_pg()) {
        print_message("(PostgreSQL only: SQLite writers queue at BEGIN and are never aborted)\n");
        return 0;
    }
    return 1;
}

static int always_conflicts(relm_t *r, void *ctx, relm_error_t *err)
{
    counting_t *c = ctx;
    int rc = write_counter(r, ctx, err);
    if (rc == 0)
        rc = relm_store_exec(r->store,
                             "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to "
                             "concurrent update' USING ERRCODE = '40001'; END $$",
                             err);
    (void)c;
    return rc;
}

static void
a_conflict_that_persists_gives_up_busy_with_relms_sentence_and_nothing_saved(void **state)
{
    (void)state;
    if (!pg_only())
        return;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t before = q(r, sql_step_counter);
    unsigned long retries = atomic_load(&relm_tx_retries);
    counting_t c = {0, 0};
    assert_int_equal(relm_transaction(r, always_conflicts, &c, &err), RELM_EBUSY);
    assert_int_equal(c.runs, RELM_TX_ATTEMPTS);
    assert_int_equal(atomic_load(&relm_tx_retries) - retries, RELM_TX_ATTEMPTS - 1);
    assert_string_equal(err.message,
                        "the database was changed by other jobs at the same time, 5 times over; "
                        "nothing was saved; try again");
    assert_null(strstr(err.message, "serialize"));
    assert_int_equal(q(r, sql_step_counter), before);
    assert_int_equal(relm_store_depth(r->store), 0);
    test_db_free(r);
}

typedef struct swallow {
    int runs;
    int inner_rc;
    relm_interaction_t rec;
    relm_mask_t given;
} swallow_t;

/* Runs an interaction create inside and goes on whatever it returned. */
static int outer_ignoring_inner(relm_t *r, void *ctx, relm_error_t *err)
{
    swallow_t *s = ctx;
    s->runs++;
    relm_error_t inner_err = {0};
    relm_interaction_t rec = s->rec;
    s->inner_rc = relm_interaction_create(r, &rec, s->given, &inner_err);
    return write_counter(r, &(counting_t){0, 0}, err);
}

static void a_conflict_inside_a_savepoint_runs_the_outermost_transaction_again(void **state)
{
    (void)state;
    if (!pg_only())
        return;
    relm_t *r = db();
    relm_error_t err = {0};
    fail_inserts_with_conflict(r, "interaction_log_entry", 1);
    int64_t before = q(r, sql_step_counter);
    swallow_t s = {0};
    s.given = entry(&s.rec, "P1", NULL);
    assert_int_equal(relm_transaction(r, outer_ignoring_inner, &s, &err), 0);
    /* The first run's savepoint was rolled back over the conflict: it could not commit. */
    assert_int_equal(s.runs, 2);
    assert_int_equal(s.inner_rc, 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), 1);
    assert_int_equal(q(r, "SELECT max(entry_no) FROM interaction_log_entry"), 1);
    assert_int_equal(q(r, sql_step_counter), before + 1);
    test_db_free(r);
}

static void a_segment_log_aborted_once_is_logged_once_with_its_counts(void **state)
{
    (void)state;
    if (!pg_only())
        return;
    relm_t *r = db();
    char no[RELM_CODE20_SZ];
    new_segment(r, "Spring mailing", "LTR", no);
    add_line(r, no, "P1");
    add_line(r, no, "P2");
    add_line(r, no, "P3");
    fail_inserts_with_conflict(r, "interaction_log_entry", 1);
    unsigned long retries = atomic_load(&relm_tx_retries);
    relm_log_result_t res;
    relm_error_t err = {0};
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    assert_int_equal(atomic_load(&relm_tx_retries) - retries, 1);
    assert_int_equal(res.entries, 3);
    assert_int_equal(res.logged_segment_entry_no, 1);
    assert_int_equal(q(r, "SELECT count(*) FROM logged_segment"), 1);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), 3);
    /* Numbers from 1, none skipped: the aborted run's were given back with it. */
    assert_int_equal(q(r, "SELECT max(entry_no) FROM interaction_log_entry"), 3);
    assert_int_equal(q(r, "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'"),
                     3);
    test_db_free(r);
}

/* ---- a real deadlock ---- */

typedef struct other_side {
    const char *url;
    pthread_barrier_t locked; /* the other side holds X */
    int lock_x_rc, lock_y_rc, commit_rc;
    char message[512];
} other_side_t;

/* Whether a backend of this database waits for a lock (the create under test, for X). */
static int someone_waits(relm_store_t *st)
{
    relm_stmt_t *s;
    relm_error_t err = {0};
    int64_t n = 0;
    if (relm_stmt_prepare(st,
                          "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND wait_event_type = 'Lock'",
                          &s, &err))
        return -1;
    if (relm_stmt_step(s, &err) == RELM_STEP_ROW)
        n = relm_stmt_int(s, 0);
    relm_stmt_release(s);
    return n > 0;
}

static void *other_side(void *arg)
{
    other_side_t *o = arg;
    relm_store_t *st = NULL;
    relm_error_t err = {0};
    if (relm_store_open(o->url, 0, &st, &err)) {
        o->lock_x_rc = err.code;
        pthread_barrier_wait(&o->locked);
        return NULL;
    }
    /* Never the one to look for the deadlock: the create's side finds it and is aborted. */
    relm_store_exec(st, "SET deadlock_timeout = '60s'", &err);
    o->lock_x_rc = relm_store_begin(st, &err);
    if (o->lock_x_rc == 0)
        o->lock_x_rc = relm_store_exec(
            st, "UPDATE relm_counter SET value = value WHERE name = 'interaction_log_entry'", &err);
    pthread_barrier_wait(&o->locked);
    if (o->lock_x_rc) {
        relm_store_close(st);
        return NULL;
    }
    /* The create runs on the main thread: it holds Y once it waits for X. */
    struct timespec tick = {0, 1000000L};
    int w;
    while ((w = someone_waits(st)) == 0)
        nanosleep(&tick, NULL);
    o->lock_y_rc = w < 0 ? RELM_ESTORAGE
                         : relm_store_exec(st,
                                           "UPDATE relm_counter SET value = value WHERE name = "
                                           "'campaign_entry'",
                                           &err);
    snprintf(o->message, sizeof(o->message), "%s", o->lock_y_rc ? err.message : "");
    o->commit_rc =
        o->lock_y_rc ? (relm_store_rollback(st), o->lock_y_rc) : relm_store_commit(st, &err);
    relm_store_close(st);
    return NULL;
}

static void a_create_chosen_as_deadlock_victim_is_run_again_and_written_once(void **state)
{
    (void)state;
    if (!pg_only())
        return;
    relm_t *r = db();
    relm_error_t err = {0};
    /* The campaign has no shared entry yet: the create takes a campaign entry number (Y). */
    assert_int_equal(q(r, "SELECT count(*) FROM campaign_entry"), 0);
    int64_t entries = q(r, "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'");
    /* The check for a deadlock runs after this wait, by when both sides wait. */
    exec_sql(r, "SET deadlock_timeout = '500ms'");

    other_side_t o = {.url = test_db_path(r)};
    pthread_barrier_init(&o.locked, NULL, 2);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_side, &o), 0);
    pthread_barrier_wait(&o.locked);
    unsigned long retries = atomic_load(&relm_tx_retries);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    relm_interaction_t rec;
    relm_mask_t given = entry(&rec, "P1", "CMP1001");
    int rc = o.lock_x_rc ? o.lock_x_rc : relm_interaction_create(r, &rec, given, &err);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&o.locked);
    if (o.lock_x_rc)
        fail_msg("the other connection could not lock X (%d)", o.lock_x_rc);
    if (rc)
        fail_msg("create: %s", err.message);
    print_message("deadlock resolved and the create run again in %.0f ms\n",
                  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    /* The create was the victim and ran once more; the other side was not aborted. */
    assert_int_equal(atomic_load(&relm_tx_retries) - retries, 1);
    assert_int_equal(o.lock_y_rc, 0);
    assert_int_equal(o.commit_rc, 0);
    /* Written once, its number the next one (the aborted run's was given back). */
    assert_int_equal(rec.entry_no, entries + 1);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), entries + 1);
    assert_int_equal(q(r, "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'"),
                     entries + 1);
    assert_int_equal(q(r, "SELECT count(*) FROM campaign_entry"), 1);
    assert_int_equal(q(r, "SELECT value FROM relm_counter WHERE name = 'campaign_entry'"), 1);
    assert_int_equal(rec.campaign_entry_no, 1);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_transaction_commits_once_or_rolls_back_with_its_own_error),
        cmocka_unit_test(a_nested_transaction_rolls_back_only_its_own_level),
        cmocka_unit_test(
            a_conflict_that_persists_gives_up_busy_with_relms_sentence_and_nothing_saved),
        cmocka_unit_test(a_conflict_inside_a_savepoint_runs_the_outermost_transaction_again),
        cmocka_unit_test(a_segment_log_aborted_once_is_logged_once_with_its_counts),
        cmocka_unit_test(a_create_chosen_as_deadlock_victim_is_run_again_and_written_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
