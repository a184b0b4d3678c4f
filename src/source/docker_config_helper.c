/* docker-credential-<name> get: the credential helper protocol of
 * github.com/docker/docker-credential-helpers. The server URL goes to the helper's stdin, the
 * answer {"ServerURL": …, "Username": …, "Secret": …} comes back on stdout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/json_load.h"
#include "core/strbuf.h"
#include "source/docker_config.h"

#define HELPER_MAX_OUTPUT (64u * 1024)
#define HELPER_TIMEOUT_MS 30000

extern char **environ;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's stdout until EOF, the bound or the deadline. 1 on timeout. */
static int read_output(int fd, struct strbuf *out, int *too_big)
{
    long long deadline = now_ms() + HELPER_TIMEOUT_MS;
    char buf[4096];
    *too_big = 0;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 1;
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return pr == 0 ? 1 : -1;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : 0;
        if (out->len + (size_t)n > HELPER_MAX_OUTPUT) {
            *too_big = 1;
            return 0;
        }
        if (strbuf_add(out, buf, (size_t)n) != 0)
            return -1;
    }
}

static int parse_answer(const char *program, const struct strbuf *o, struct docker_credentials *out,
                        int *found, struct strata_error *err)
{
    json_t *j;
    int rc = json_load_document(o->buf ? o->buf : "", o->len, program, HELPER_MAX_OUTPUT,
                                JSON_LOAD_OBJECT, &j, err);
    if (rc != 0)
        return rc;
    const char *user = json_string_value(json_object_get(j, "Username"));
    const char *secret = json_string_value(json_object_get(j, "Secret"));
    /* "<token>" means Secret is an OAuth identity token, which strata does not exchange */
    if (user && secret && user[0] && secret[0] && strcmp(user, "<token>") != 0 &&
        strlen(user) <= DOCKER_CONFIG_MAX_CRED && strlen(secret) <= DOCKER_CONFIG_MAX_CRED &&
        strpbrk(user, "\r\n") == NULL && strpbrk(secret, "\r\n") == NULL) {
        struct strbuf src = STRBUF_INIT;
        out->username = strdup(user);
        out->password = strdup(secret);
        if (strbuf_addf(&src, "credential helper %s", program) == 0)
            out->source = strbuf_detach(&src);
        strbuf_release(&src);
        if (out->username == NULL || out->password == NULL || out->source == NULL)
            rc = strata_error_nomem(err);
        else
            *found = 1;
    }
    json_decref(j);
    return rc;
}

int docker_credential_helper_get(const char *helper, const char *registry,
                                 struct docker_credentials *out, int *found,
                                 struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    char program[96];
    snprintf(program, sizeof program, "docker-credential-%s", helper);
    /* The helpers know Docker Hub by its historical URL. */
    const char *server =
        strcmp(registry, "docker.io") == 0 ? "https://index.docker.io/v1/" : registry;
    int in[2], outp[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return strata_error_set(err, STRATA_EIO, "%s: pipe: %s", program, strerror(errno));
    if (pipe2(outp, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return strata_error_set(err, STRATA_EIO, "%s: pipe: %s", program, strerror(errno));
    }
    /* The URL fits in the pipe buffer: written before the child exists, so no SIGPIPE. */
    size_t sl = strlen(server);
    int wrote = write(in[1], server, sl) == (ssize_t)sl;
    close(in[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {program, "get", NULL};
    pid_t pid;
    int sp = wrote ? posix_spawnp(&pid, program, &fa, NULL, argv, environ) : EIO;
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(outp[1]);
    if (sp != 0) {
        close(outp[0]);
        return 0; /* no such helper installed: no credentials from it */
    }
    struct strbuf o = STRBUF_INIT;
    int too_big;
    int r = read_output(outp[0], &o, &too_big);
    close(outp[0]);
    if (r != 0 || too_big)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = 0;
    if (r == 1)
        rc = strata_error_set(err, STRATA_EIO, "%s get: no answer within %d s", program,
                              HELPER_TIMEOUT_MS / 1000);
    else if (too_big)
        rc = strata_error_set(err, STRATA_ELIMIT, "%s get: more than %u bytes of output", program,
                              HELPER_MAX_OUTPUT);
    else if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        rc = parse_answer(program, &o, out, found, err);
    /* a non-zero exit is the protocol's "credentials not found" */
    if (o.buf)
        explicit_bzero(o.buf, o.len);
    strbuf_release(&o);
    if (rc != 0)
        docker_credentials_release(out);
    return rc;
}
