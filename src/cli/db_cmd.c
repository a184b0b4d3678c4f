/* Placeholder until the db command lands (being written in this session). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_db(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("strata: 'db' is not built yet\n", stderr);
    return EXIT_INTERNAL;
}

int cmd_db_update(int argc, char **argv)
{
    return cmd_db(argc, argv);
}
