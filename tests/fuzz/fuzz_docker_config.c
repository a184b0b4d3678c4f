/* libFuzzer target: Docker config.json credentials (docker_config.h). The first byte picks
 * the registry looked up. Found credentials have a user name and no control characters;
 * errors name the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/docker_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const registries[] = {"docker.io", "r.io", "127.0.0.1:5000", "ghcr.io"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *registry = registries[data[0] & 3];
    static const char path[] = "/home/u/.docker/config.json";
    struct docker_credentials c;
    int found = 0;
    char *helper = NULL;
    struct strata_error err = {0};
    int rc = docker_config_parse((const char *)data + 1, size - 1, path, registry, &c, &found,
                                 &helper, &err);
    if (rc == 0) {
        if (found && (c.username == NULL || c.password == NULL || c.username[0] == '\0' ||
                      strpbrk(c.username, "\r\n") || strpbrk(c.password, "\r\n")))
            __builtin_trap();
        if (helper && (strchr(helper, '/') || helper[0] == '\0'))
            __builtin_trap();
        docker_credentials_release(&c);
        free(helper);
    } else if (rc != STRATA_ENOMEM && strncmp(err.msg, path, strlen(path)) != 0) {
        __builtin_trap();
    }
    return 0;
}
