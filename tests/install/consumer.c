/*
 * A program outside the source tree using the installed librelm: create a database, add
 * a salesperson and list it back through the public API only.
 */
#include <relm/relm.h>
#include <stdio.h>
#include <string.h>

static int print_row(void *ctx, const void *rec)
{
    const relm_salesperson_t *sp = rec;
    (void)ctx;
    printf("salesperson %s %s\n", sp->code, sp->name);
    return 0;
}

int main(int argc, char **argv)
{
    relm_error_t err = {0};
    relm_t *r = NULL;
    if (argc != 2)
        return 2;
    if (relm_open(argv[1], RELM_OPEN_CREATE, &r, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    relm_salesperson_t sp = {0};
    strcpy(sp.code, "INST");
    strcpy(sp.name, "Installed Library");
    if (relm_salesperson_add(r, &sp, &err) != 0 ||
        relm_list(r, &relm_salesperson_entity, NULL, 0, 0, print_row, NULL, &err) != 0) {
        fprintf(stderr, "relm: %s\n", err.message);
        relm_close(r);
        return 1;
    }
    printf("schema %d of %d, library %s\n", relm_schema_version(r), relm_schema_latest(),
           RELM_VERSION);
    relm_close(r);
    return 0;
}
