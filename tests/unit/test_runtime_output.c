/* Outputs of strata watch: JSON lines with size rotation, the webhook against a local HTTP
 * receiver (delivery, retries with backoff after HTTP 500, a slow receiver that never blocks
 * the caller and the drops it causes, drain on close), and the Prometheus endpoint scraped
 * over HTTP. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/metrics.h"
#include "runtime/output.h"
#include "runtime/sensor_util.h"

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void test_json_rotation(void **state)
{
    (void)state;
    char dir[] = "/tmp/strata-out-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], p1[300], p2[300], p3[300];
    snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
    snprintf(p1, sizeof(p1), "%s.1", path);
    snprintf(p2, sizeof(p2), "%s.2", path);
    snprintf(p3, sizeof(p3), "%s.3", path);
    struct strata_error err;
    struct out_json *j = NULL;
    assert_int_equal(out_json_open(path, 100, 2, &j, &err), 0);
    const char *line = "{\"rule\":\"Read sensitive file\",\"n\":\"0123456789\"}"; /* 47 bytes */
    for (int i = 0; i < 7; i++)
        assert_int_equal(out_json_write(j, line, strlen(line)), 0);
    /* 2 lines (96 bytes with newlines) fit in 100: 7 lines = 3 full files + 1; 2 kept */
    assert_int_equal(out_json_rotations(j), 3);
    out_json_close(j);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 48);
    assert_int_equal(stat(p1, &st), 0);
    assert_int_equal(st.st_size, 96);
    assert_int_equal(stat(p2, &st), 0);
    assert_int_not_equal(stat(p3, &st), 0);
    /* a line larger than the bound still goes out, alone in its file */
    assert_int_equal(out_json_open(path, 10, 2, &j, &err), 0);
    assert_int_equal(out_json_write(j, line, strlen(line)), 0);
    out_json_close(j);
    unlink(path);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    assert_int_equal(out_json_open("/nonexistent/dir/a.jsonl", 0, 0, &j, &err), STRATA_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/a.jsonl"));
}

/* ---- a local HTTP receiver ---- */
struct receiver {
    int fd, port;
    int status_first_n; /* answer 500 to the first n requests */
    int delay_ms;       /* before each answer */
    int requests, ok;
    char last_body[512];
    char content_type[128];
    volatile int stop;
    pthread_t t;
    pthread_mutex_t mu;
};

static void *recv_run(void *arg)
{
    struct receiver *r = arg;
    while (!r->stop) {
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            continue;
        char buf[8192];
        size_t have = 0;
        char *body = NULL;
        long clen = -1;
        while (have < sizeof(buf) - 1) {
            ssize_t n = recv(c, buf + have, sizeof(buf) - 1 - have, 0);
            if (n <= 0)
                break;
            have += (size_t)n;
            buf[have] = '\0';
            char *hend = strstr(buf, "\r\n\r\n");
            if (hend) {
                char *cl = strcasestr(buf, "Content-Length:");
                clen = cl ? strtol(cl + 15, NULL, 10) : 0;
                body = hend + 4;
                if ((long)(have - (size_t)(body - buf)) >= clen)
                    break;
            }
        }
        if (r->delay_ms)
            usleep((useconds_t)r->delay_ms * 1000);
        pthread_mutex_lock(&r->mu);
        r->requests++;
        int fail = r->requests <= r->status_first_n;
        if (!fail && body) {
            r->ok++;
            snprintf(r->last_body, sizeof(r->last_body), "%.*s", (int)clen, body);
            char *ct = strcasestr(buf, "Content-Type:");
            if (ct)
                snprintf(r->content_type, sizeof(r->content_type), "%.*s",
                         (int)strcspn(ct + 13, "\r\n"), ct + 13);
        }
        pthread_mutex_unlock(&r->mu);
        const char *resp =
            fail ? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                 : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        send(c, resp, strlen(resp), MSG_NOSIGNAL);
        close(c);
    }
    return NULL;
}

static void recv_start(struct receiver *r)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(r->fd >= 0);
    assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(r->fd, 64), 0);
    assert_int_equal(getsockname(r->fd, (struct sockaddr *)&a, &al), 0);
    r->port = ntohs(a.sin_port);
    pthread_mutex_init(&r->mu, NULL);
    assert_int_equal(pthread_create(&r->t, NULL, recv_run, r), 0);
}

static void recv_stop(struct receiver *r)
{
    r->stop = 1;
    pthread_join(r->t, NULL);
    close(r->fd);
    pthread_mutex_destroy(&r->mu);
}

static void test_webhook_delivery_and_retry(void **state)
{
    (void)state;
    struct receiver r = {0};
    r.status_first_n = 2;
    recv_start(&r);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/strata", r.port);
    struct output_opts o = {0};
    o.webhook_url = url;
    o.webhook_retries = 3;
    struct output *out = NULL;
    struct strata_error err;
    assert_int_equal(output_open(&o, &out, &err), 0);
    const char *line = "{\"rule\":\"Terminal shell in container\",\"priority\":\"Notice\"}";
    output_emit(out, line, strlen(line), 5);
    struct output_stats st = {0};
    for (uint64_t t0 = mono_ms(); mono_ms() - t0 < 5000;) {
        output_stats(out, &st);
        if (st.webhook_sent == 1)
            break;
        usleep(10000);
    }
    assert_int_equal(st.webhook_sent, 1);
    assert_int_equal(st.webhook_retries, 2); /* two 500s, then accepted */
    assert_int_equal(st.webhook_drops_failed, 0);
    assert_string_equal(r.last_body, line);
    assert_non_null(strstr(r.content_type, "application/json"));
    output_close(out, 1000);
    recv_stop(&r);

    /* nobody listening: retries run out, the line is dropped and counted */
    o.webhook_retries = 1;
    o.webhook_timeout_ms = 200;
    assert_int_equal(output_open(&o, &out, &err), 0);
    output_emit(out, line, strlen(line), 5);
    for (uint64_t t0 = mono_ms(); mono_ms() - t0 < 5000;) {
        output_stats(out, &st);
        if (st.webhook_drops_failed == 1)
            break;
        usleep(10000);
    }
    assert_int_equal(st.webhook_drops_failed, 1);
    output_close(out, 0);

    o.webhook_url = "ftp://example.invalid/";
    assert_int_equal(output_open(&o, &out, &err), STRATA_EUSAGE);
}

static void test_webhook_slow_receiver(void **state)
{
    (void)state;
    struct receiver r = {0};
    r.delay_ms = 300;
    recv_start(&r);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
    struct output_opts o = {0};
    o.webhook_url = url;
    o.webhook_queue = 16;
    struct output *out = NULL;
    struct strata_error err;
    assert_int_equal(output_open(&o, &out, &err), 0);
    /* 2,000 alerts against a receiver taking 300 ms each: the caller never waits */
    uint64_t t0 = mono_ms();
    for (int i = 0; i < 2000; i++)
        output_emit(out, "{\"a\":1}", 7, 4);
    uint64_t took = mono_ms() - t0;
    assert_true(took < 250);
    struct output_stats st;
    output_stats(out, &st);
    assert_true(st.webhook_drops_full >= 2000 - 16 - 1);
    assert_true(st.webhook_queued <= 16);
    /* close with a short drain: what is still queued is counted as dropped */
    output_close(out, 100);
    recv_stop(&r);
}

static int http_get(int port, const char *path, char *buf, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        return -1;
    char req[256];
    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    send(fd, req, strlen(req), 0);
    size_t have = 0;
    ssize_t n;
    while (have < cap - 1 && (n = recv(fd, buf + have, cap - 1 - have, 0)) > 0)
        have += (size_t)n;
    buf[have] = '\0';
    close(fd);
    return 0;
}

static void test_metrics(void **state)
{
    (void)state;
    struct metrics *m = metrics_new();
    assert_non_null(m);
    metrics_event(m, RT_EV_EXECVE);
    metrics_event(m, RT_EV_EXECVE);
    metrics_event(m, RT_EV_OPENAT);
    metrics_alert(m, "Read sensitive file untrusted", "Warning");
    metrics_alert(m, "Read sensitive file untrusted", "Warning");
    metrics_alert(m, "Odd \"name\"\\x", "Notice");
    metrics_action(m, RT_ACT_KILL, RT_ACT_DONE);
    metrics_eval_time(m, 1500000000ull, 3);
    metrics_set(m, MG_DROPS_RINGBUF, 7);
    struct strata_error err;
    int port = 0;
    assert_int_equal(metrics_serve(m, "127.0.0.1:0", &port, &err), 0);
    assert_true(port > 0);
    char *buf = malloc(65536);
    assert_non_null(buf);
    assert_int_equal(http_get(port, "/metrics", buf, 65536), 0);
    assert_non_null(strstr(buf, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(buf, "text/plain; version=0.0.4"));
    assert_non_null(strstr(buf, "strata_watch_events_total{type=\"execve\"} 2\n"));
    assert_non_null(strstr(buf, "strata_watch_events_total{type=\"openat\"} 1\n"));
    assert_non_null(strstr(buf, "strata_watch_alerts_total{rule=\"Read sensitive file "
                                "untrusted\",priority=\"Warning\"} 2\n"));
    assert_non_null(strstr(buf, "rule=\"Odd \\\"name\\\"\\\\x\""));
    assert_non_null(strstr(buf, "strata_watch_actions_total{action=\"kill\",result=\"done\"} 1\n"));
    assert_non_null(strstr(buf, "strata_watch_drops_total{source=\"ringbuf\"} 7\n"));
    assert_non_null(strstr(buf, "strata_watch_rule_eval_seconds_total 1.500000000\n"));
    assert_non_null(strstr(buf, "# TYPE strata_watch_alerts_total counter"));
    assert_int_equal(http_get(port, "/", buf, 65536), 0);
    assert_non_null(strstr(buf, "404"));
    free(buf);
    metrics_serve_stop(m);
    assert_int_equal(metrics_serve(m, "nothost:80", &port, &err), STRATA_EUSAGE);
    assert_int_equal(metrics_serve(m, "127.0.0.1:99999", &port, &err), STRATA_EUSAGE);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_rotation),
        cmocka_unit_test(test_webhook_delivery_and_retry),
        cmocka_unit_test(test_webhook_slow_receiver),
        cmocka_unit_test(test_metrics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
