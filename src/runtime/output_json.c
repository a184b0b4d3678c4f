/* JSON lines output with size-based rotation (output.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/output.h"

struct out_json {
    FILE *f;
    int is_stdout;
    char *path;
    uint64_t max_size, size, rotations;
    unsigned keep;
};

int out_json_open(const char *path, uint64_t max_size, unsigned keep, struct out_json **out,
                  struct strata_error *err)
{
    struct out_json *j = calloc(1, sizeof(*j));
    if (!j)
        return strata_error_nomem(err);
    j->keep = keep ? keep : 5;
    j->max_size = max_size;
    if (strcmp(path, "-") == 0) {
        j->f = stdout;
        j->is_stdout = 1;
    } else {
        j->path = strdup(path);
        j->f = j->path ? fopen(path, "ae") : NULL;
        if (!j->f) {
            int e = errno;
            free(j->path);
            free(j);
            return strata_error_set(err, STRATA_EIO, "--output %s: %s", path, strerror(e));
        }
        struct stat st;
        if (fstat(fileno(j->f), &st) == 0)
            j->size = (uint64_t)st.st_size;
    }
    *out = j;
    return 0;
}

/* FILE.(keep-1) -> FILE.keep, …, FILE -> FILE.1, then a new FILE. */
static int rotate(struct out_json *j)
{
    size_t n = strlen(j->path) + 16;
    char *from = malloc(n), *to = malloc(n);
    if (!from || !to) {
        free(from);
        free(to);
        return -1;
    }
    fclose(j->f);
    j->f = NULL;
    for (unsigned i = j->keep; i > 0; i--) {
        if (i == 1)
            snprintf(from, n, "%s", j->path);
        else
            snprintf(from, n, "%s.%u", j->path, i - 1);
        snprintf(to, n, "%s.%u", j->path, i);
        rename(from, to); /* a missing FILE.i is fine */
    }
    free(from);
    free(to);
    j->f = fopen(j->path, "ae");
    j->size = 0;
    j->rotations++;
    return j->f ? 0 : -1;
}

int out_json_write(struct out_json *j, const char *line, size_t len)
{
    if (!j->is_stdout && j->max_size && j->size > 0 && j->size + len + 1 > j->max_size &&
        rotate(j) != 0)
        return -1;
    if (!j->f)
        return -1;
    if (fwrite(line, 1, len, j->f) != len || fputc('\n', j->f) == EOF || fflush(j->f) != 0)
        return -1;
    j->size += len + 1;
    return 0;
}

uint64_t out_json_rotations(const struct out_json *j)
{
    return j->rotations;
}

void out_json_close(struct out_json *j)
{
    if (!j)
        return;
    if (j->f && !j->is_stdout)
        fclose(j->f);
    else if (j->f)
        fflush(j->f);
    free(j->path);
    free(j);
}
