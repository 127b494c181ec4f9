/* Schema migrations compiled into the library, in version order. */
#ifndef RELM_SCHEMA_H
#define RELM_SCHEMA_H

typedef struct relm_migration {
    int version;
    const char *name;
    const char *sql;
    /* The PostgreSQL text: NNN_name.pg.sql where the dialects differ; BIGINT, TEXT COLLATE "C". */
    const char *pg_sql;
} relm_migration_t;

extern const relm_migration_t relm_migrations[];
extern const int relm_migration_count;
/* PostgreSQL only: the functions SQLite has per connection (relm_fold), run before upgrades. */
extern const char relm_pg_functions[];

#endif
