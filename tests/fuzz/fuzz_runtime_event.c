/* libFuzzer target: recording lines (the JSON-lines event format). Every line is parsed;
 * an accepted event must write back to JSON that reads back to the same bytes, and a refused
 * one must name the file and line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *line, size_t len, size_t lineno)
{
    struct rt_event ev, back;
    struct strata_error err = {0};
    int rc = rt_event_from_json(line, len, "fuzz.jsonl", lineno, &ev, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM && strncmp(err.msg, "fuzz.jsonl:", 11) != 0)
            __builtin_trap();
        return;
    }
    struct strbuf sb = STRBUF_INIT;
    if (rt_event_to_json(&ev, &sb) != 0) {
        strbuf_release(&sb);
        return;
    }
    if (memchr(sb.buf, '\n', sb.len) != NULL)
        __builtin_trap(); /* one event, one line */
    rc = rt_event_from_json(sb.buf, sb.len, "again.jsonl", 1, &back, &err);
    if (rc != 0 || memcmp(&ev, &back, sizeof ev) != 0)
        __builtin_trap();
    strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    size_t lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        one_line(p, len, ++lineno);
        p += len + 1;
    }
    return 0;
}
