/* Placeholder until the version command lands (being written in this session). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("strata: 'version' is not built yet\n", stderr);
    return EXIT_INTERNAL;
}
