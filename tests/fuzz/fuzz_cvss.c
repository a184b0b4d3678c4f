/* libFuzzer target: the CVSS v3.x vector parser and base score. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct strata_error err = {0};
    double score = -1;
    int rc = cvss3_base_score(s, &score, &err);
    if (rc == 0) {
        long long tenths = (long long)(score * 10 + 0.5);
        double back = (double)tenths / 10;
        if (!(score >= 0 && score <= 10) || back - score > 1e-9 || score - back > 1e-9)
            __builtin_trap();
        if (strcmp(cvss3_severity(score), "UNKNOWN") == 0)
            __builtin_trap();
    } else if (strncmp(err.msg, "CVSS vector", 11) != 0 || score != -1) {
        __builtin_trap();
    }
    free(s);
    return 0;
}
