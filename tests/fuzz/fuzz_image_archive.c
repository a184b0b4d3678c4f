/* libFuzzer: an outer image archive (tar index, manifest.json / index.json, configs,
 * descriptor checks) opened from a memfd, then every layer scanned. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "strata/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-image", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        struct strata_scan_opts o = {.jobs = 1, .max_layer_bytes = 64 << 20};
        struct strata_report *r = NULL;
        struct strata_error err;
        if (strata_scan_image(path, &o, &r, &err) == 0)
            strata_report_free(r);
    }
    close(fd);
    return 0;
}
