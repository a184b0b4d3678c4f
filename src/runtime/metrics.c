/* Prometheus metrics and their HTTP endpoint (metrics.h). */
#include "runtime/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct rule_count {
    char *rule;
    char priority[24];
    uint64_t n;
};

struct metrics {
    uint64_t events[RT_EV_TYPE_COUNT];
    uint64_t actions[8][8];
    uint64_t eval_ns, evals;
    uint64_t gauges[MG_COUNT];
    pthread_mutex_t mu;
    struct rule_count *rules;
    size_t nrules;
    uint64_t other_alerts;
    /* server */
    int listen_fd, wake[2];
    int serving;
    pthread_t thread;
};

struct metrics *metrics_new(void)
{
    struct metrics *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->rules = calloc(METRICS_RULES_MAX, sizeof(*m->rules));
    if (!m->rules) {
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->mu, NULL);
    m->listen_fd = m->wake[0] = m->wake[1] = -1;
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    metrics_serve_stop(m);
    for (size_t i = 0; i < m->nrules; i++)
        free(m->rules[i].rule);
    free(m->rules);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static void add(uint64_t *c, uint64_t v)
{
    __atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

void metrics_event(struct metrics *m, enum rt_event_type t)
{
    if ((unsigned)t < RT_EV_TYPE_COUNT)
        add(&m->events[t], 1);
}

void metrics_action(struct metrics *m, enum rt_action_kind k, enum rt_action_result r)
{
    if ((unsigned)k < 8 && (unsigned)r < 8)
        add(&m->actions[k][r], 1);
}

void metrics_eval_time(struct metrics *m, uint64_t ns, uint64_t evals)
{
    add(&m->eval_ns, ns);
    add(&m->evals, evals);
}

void metrics_set(struct metrics *m, enum metrics_gauge g, uint64_t v)
{
    if ((unsigned)g < MG_COUNT)
        __atomic_store_n(&m->gauges[g], v, __ATOMIC_RELAXED);
}

void metrics_alert(struct metrics *m, const char *rule, const char *priority)
{
    pthread_mutex_lock(&m->mu);
    size_t i;
    for (i = 0; i < m->nrules; i++)
        if (strcmp(m->rules[i].rule, rule) == 0 && strcmp(m->rules[i].priority, priority) == 0)
            break;
    if (i == m->nrules) {
        char *copy = m->nrules < METRICS_RULES_MAX ? strdup(rule) : NULL;
        if (!copy) {
            m->other_alerts++;
            pthread_mutex_unlock(&m->mu);
            return;
        }
        m->rules[i].rule = copy;
        snprintf(m->rules[i].priority, sizeof(m->rules[i].priority), "%s", priority);
        m->nrules++;
    }
    m->rules[i].n++;
    pthread_mutex_unlock(&m->mu);
}

/* Label values: backslash, double quote and newline escaped. */
static int label(struct strbuf *o, const char *s)
{
    int rc = 0;
    for (; *s && rc == 0; s++) {
        if (*s == '\\')
            rc = strbuf_adds(o, "\\\\");
        else if (*s == '"')
            rc = strbuf_adds(o, "\\\"");
        else if (*s == '\n')
            rc = strbuf_adds(o, "\\n");
        else
            rc = strbuf_addch(o, *s);
    }
    return rc;
}

static int head(struct strbuf *o, const char *name, const char *type, const char *help)
{
    return strbuf_addf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int metrics_render(struct metrics *m, struct strbuf *o)
{
    int rc = head(o, "strata_watch_events_total", "counter",
                  "Events the eBPF sensor delivered, by event type.");
    for (unsigned t = 1; t < RT_EV_TYPE_COUNT && rc == 0; t++) {
        uint64_t v = get(&m->events[t]);
        if (v)
            rc = strbuf_addf(o, "strata_watch_events_total{type=\"%s\"} %llu\n",
                             rt_event_type_name((enum rt_event_type)t), (unsigned long long)v);
    }
    rc =
        rc ? rc
           : head(o, "strata_watch_alerts_total", "counter", "Rule matches, by rule and priority.");
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < m->nrules && rc == 0; i++) {
        rc = strbuf_adds(o, "strata_watch_alerts_total{rule=\"");
        rc = rc ? rc : label(o, m->rules[i].rule);
        rc = rc ? rc : strbuf_adds(o, "\",priority=\"");
        rc = rc ? rc : label(o, m->rules[i].priority);
        rc = rc ? rc : strbuf_addf(o, "\"} %llu\n", (unsigned long long)m->rules[i].n);
    }
    if (rc == 0 && m->other_alerts)
        rc = strbuf_addf(o, "strata_watch_alerts_total{rule=\"(other)\",priority=\"\"} %llu\n",
                         (unsigned long long)m->other_alerts);
    pthread_mutex_unlock(&m->mu);
    rc = rc ? rc
            : head(o, "strata_watch_actions_total", "counter",
                   "Responses taken, by action and result.");
    for (unsigned k = 1; k < 8 && rc == 0; k++)
        for (unsigned r = 0; r < 8 && rc == 0; r++) {
            uint64_t v = get(&m->actions[k][r]);
            if (v)
                rc = strbuf_addf(
                    o, "strata_watch_actions_total{action=\"%s\",result=\"%s\"} %llu\n",
                    rt_action_kind_name((enum rt_action_kind)k),
                    rt_action_result_name((enum rt_action_result)r), (unsigned long long)v);
        }
    rc = rc ? rc
            : head(o, "strata_watch_drops_total", "counter",
                   "Events or alerts lost, by where they were lost.");
    static const struct {
        enum metrics_gauge g;
        const char *source;
    } drops[] = {{MG_DROPS_RINGBUF, "ringbuf"},
                 {MG_DROPS_WEBHOOK_FULL, "webhook_full"},
                 {MG_DROPS_WEBHOOK_FAILED, "webhook_failed"},
                 {MG_DROPS_JSON, "json"}};
    for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]) && rc == 0; i++)
        rc = strbuf_addf(o, "strata_watch_drops_total{source=\"%s\"} %llu\n", drops[i].source,
                         (unsigned long long)get(&m->gauges[drops[i].g]));
    if (rc == 0)
        rc = head(o, "strata_watch_rule_eval_seconds_total", "counter",
                  "Time spent evaluating rules.");
    if (rc == 0)
        rc = strbuf_addf(o, "strata_watch_rule_eval_seconds_total %.9f\n",
                         (double)get(&m->eval_ns) / 1e9);
    if (rc == 0)
        rc = head(o, "strata_watch_rule_evals_total", "counter", "Events evaluated by the rules.");
    if (rc == 0)
        rc = strbuf_addf(o, "strata_watch_rule_evals_total %llu\n",
                         (unsigned long long)get(&m->evals));
    if (rc == 0)
        rc = head(o, "strata_watch_ringbuf_records_total", "counter",
                  "Records read from the sensor's ring buffer.");
    if (rc == 0)
        rc = strbuf_addf(o, "strata_watch_ringbuf_records_total %llu\n",
                         (unsigned long long)get(&m->gauges[MG_RINGBUF_RECORDS]));
    if (rc == 0)
        rc = head(o, "strata_watch_webhook_queue", "gauge", "Lines waiting for the webhook.");
    if (rc == 0)
        rc = strbuf_addf(o, "strata_watch_webhook_queue %llu\n",
                         (unsigned long long)get(&m->gauges[MG_WEBHOOK_QUEUE]));
    if (rc == 0)
        rc = head(o, "strata_watch_webhook_sent_total", "counter",
                  "Lines the webhook receiver accepted.");
    if (rc == 0)
        rc = strbuf_addf(o, "strata_watch_webhook_sent_total %llu\n",
                         (unsigned long long)get(&m->gauges[MG_WEBHOOK_SENT]));
    return rc;
}

/* ---- server ---- */

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void serve_one(struct metrics *m, int fd)
{
    char req[2048];
    size_t have = 0;
    /* the request line is all that matters; 1 s to get it */
    while (have < sizeof(req) - 1 && !memchr(req, '\n', have)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 1000) <= 0)
            return;
        ssize_t r = recv(fd, req + have, sizeof(req) - 1 - have, 0);
        if (r <= 0)
            return;
        have += (size_t)r;
    }
    req[have] = '\0';
    struct strbuf body = STRBUF_INIT, resp = STRBUF_INIT;
    int get_metrics =
        strncmp(req, "GET /metrics ", 13) == 0 || strncmp(req, "GET /metrics?", 13) == 0;
    if (get_metrics && metrics_render(m, &body) == 0 &&
        strbuf_addf(&resp,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                    body.len) == 0)
        strbuf_add(&resp, body.buf, body.len);
    else if (!get_metrics)
        strbuf_adds(&resp,
                    "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                    "Content-Length: 22\r\nConnection: close\r\n\r\nonly GET /metrics here\n");
    else
        strbuf_adds(&resp, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n");
    if (resp.buf)
        send_all(fd, resp.buf, resp.len);
    strbuf_release(&body);
    strbuf_release(&resp);
}

static void *serve(void *arg)
{
    struct metrics *m = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = m->listen_fd, .events = POLLIN},
                              {.fd = m->wake[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (p[0].revents & POLLIN) {
            int c = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                serve_one(m, c);
                close(c);
            }
        }
    }
    return NULL;
}

int metrics_serve(struct metrics *m, const char *addr, int *port_out, struct strata_error *err)
{
    char host[256] = "127.0.0.1", port[16];
    const char *colon = strrchr(addr, ':');
    if (colon) {
        size_t hl = (size_t)(colon - addr);
        const char *h = addr;
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
            h++;
            hl -= 2;
        }
        if (hl == 0 || hl >= sizeof(host))
            return strata_error_set(err, STRATA_EUSAGE, "--metrics %s: HOST:PORT expected", addr);
        memcpy(host, h, hl);
        host[hl] = '\0';
        colon++;
    } else {
        colon = addr;
    }
    char *end;
    long pn = strtol(colon, &end, 10);
    if (*colon == '\0' || *end || pn < 0 || pn > 65535)
        return strata_error_set(err, STRATA_EUSAGE, "--metrics %s: a port 0-65535 expected", addr);
    snprintf(port, sizeof(port), "%ld", pn);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    int g = getaddrinfo(host, port, &hints, &ai);
    if (g != 0)
        return strata_error_set(err, STRATA_EUSAGE,
                                "--metrics %s: %s (a numeric address is needed)", addr,
                                gai_strerror(g));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return strata_error_set(err, STRATA_EIO, "--metrics %s: %s", addr, strerror(e));
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (port_out && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                   : ((struct sockaddr_in *)&ss)->sin_port);
    if (pipe2(m->wake, O_CLOEXEC) != 0) {
        close(fd);
        return strata_error_set(err, STRATA_EIO, "--metrics: pipe: %s", strerror(errno));
    }
    m->listen_fd = fd;
    if (pthread_create(&m->thread, NULL, serve, m) != 0) {
        close(fd);
        close(m->wake[0]);
        close(m->wake[1]);
        m->listen_fd = m->wake[0] = m->wake[1] = -1;
        return strata_error_set(err, STRATA_EIO, "--metrics: cannot start its thread");
    }
    m->serving = 1;
    return 0;
}

void metrics_serve_stop(struct metrics *m)
{
    if (!m->serving)
        return;
    ssize_t w = write(m->wake[1], "x", 1);
    (void)w;
    pthread_join(m->thread, NULL);
    close(m->listen_fd);
    close(m->wake[0]);
    close(m->wake[1]);
    m->listen_fd = m->wake[0] = m->wake[1] = -1;
    m->serving = 0;
}
