/* libFuzzer target: the feeds.conf parser of 'strata db update'. */
#include <stdint.h>
#include <string.h>

#include "vulndb/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vulndb_feeds f;
    struct strata_error err = {0};
    int rc = vulndb_feeds_parse((const char *)data, size, "feeds.conf", &f, &err);
    if (rc == 0) {
        if (f.n == 0 || f.n > FEEDS_MAX)
            __builtin_trap();
        for (size_t i = 0; i < f.n; i++) {
            if (strncmp(f.v[i].url, "http", 4) != 0 || strlen(f.v[i].name) > FEED_NAME_MAX ||
                strlen(f.v[i].url) > FEED_URL_MAX || strpbrk(f.v[i].url, " \t\r\n") != NULL)
                __builtin_trap();
        }
        vulndb_feeds_free(&f);
    } else if (strncmp(err.msg, "feeds.conf: ", 12) != 0 && rc != STRATA_ENOMEM) {
        __builtin_trap();
    }
    return 0;
}
