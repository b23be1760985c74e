/* server.c - the example system under test: a small single-threaded epoll
 * HTTP/1.1 keep-alive server, dynamically linked against glibc so LD_PRELOAD
 * hooks apply. It reads with read() (never recv), accepts with accept4() and
 * closes with close(), the calls the reference hooks wrap.
 *
 *   sut [PORT]        PORT: argv[1], else env PORT, else 8080; 0 = any free port
 *   env HOST          bind address (default 127.0.0.1; 0.0.0.0, ::, ::1 allowed)
 *   env SUT_WORK_US   busy work per request in microseconds (default 0)
 *   env WORKERS       threads that serve connections, 1..64 (default 1: the main thread alone).
 *                     With n > 1 the main thread accepts and serves too, and hands each new
 *                     connection to the next thread in turn (each has its own epoll set), so
 *                     requests on different connections run in parallel: what a hook that takes a
 *                     process-wide lock needs to show contention (hook/contend.c).
 *
 * Prints "listening on HOST:PORT" (the real port) on stdout once ready.
 * Routes: GET|HEAD /        -> 200 "hello\n"
 *         GET|HEAD /healthz -> 200 "ok\n"
 *         GET|HEAD other    -> 404 "not found\n"
 *         POST any path     -> 200 "<body length>\n" (Content-Length body, discarded)
 *         other methods     -> 405; Transfer-Encoding -> 501 + close;
 *         malformed         -> 400 + close.
 * SIGTERM/SIGINT: exit 0 after closing everything. SIGPIPE ignored.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER 16384            /* request line + headers */
#define MAX_BODY (64ull << 20)      /* Content-Length limit */
#define READ_CHUNK 16384
#define OUT_HIGH_WATER (256 * 1024) /* stop parsing while this much output is queued */

struct conn {
    int fd;
    char *in;
    size_t in_len, in_cap;
    char *out;
    size_t out_len, out_off, out_cap;
    uint64_t body_left;   /* bytes of the current request body still to skip */
    int closing;          /* close once output is flushed; ignore further input */
    int want_out;         /* EPOLLOUT registered */
    int epfd;             /* the epoll set of the thread that serves it */
};

static volatile sig_atomic_t stop_flag;
/* Indexed by fd, allocated once (never moved: other threads read it); fds beyond it are refused. */
enum { MAX_FDS = 65536, MAX_WORKERS = 64 };
static struct conn **conns;
static const size_t nconns = MAX_FDS;
static int worker_epfd[MAX_WORKERS];
static int workers = 1, next_worker;
static uint64_t work_ns;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void fatal(const char *what)
{
    fprintf(stderr, "sut: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void busy_work(void)
{
    if (!work_ns) return;
    uint64_t t0 = now_ns();
    while (now_ns() - t0 < work_ns) {
    }
}

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 4096;
    while (c < need) c *= 2;
    char *p = realloc(*buf, c);
    if (!p) return -1;
    *buf = p;
    *cap = c;
    return 0;
}

static void conn_close(struct conn *c)
{
    epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    conns[c->fd] = NULL; /* before close: the accepting thread may get the fd number back at once */
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

static int out_append(struct conn *c, const char *s, size_t n)
{
    if (c->out_off && c->out_off == c->out_len) c->out_off = c->out_len = 0;
    if (grow(&c->out, &c->out_cap, c->out_len + n)) return -1;
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
    return 0;
}

static void respond(struct conn *c, int status, const char *reason, const char *body, int head_only,
                    int keep_alive, int http10, const char *extra)
{
    char hdr[512];
    size_t blen = strlen(body);
    int n = snprintf(hdr, sizeof(hdr),
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s%s\r\n", status,
                     reason, blen,
                     keep_alive ? (http10 ? "Connection: keep-alive\r\n" : "") : "Connection: close\r\n",
                     extra ? extra : "");
    if (out_append(c, hdr, (size_t)n) || (!head_only && out_append(c, body, blen))) c->closing = 1;
    if (!keep_alive) c->closing = 1;
}

static void bad_request(struct conn *c, int status, const char *reason, const char *body)
{
    respond(c, status, reason, body, 0, 0, 0, NULL);
    c->closing = 1;
}

/* Case-insensitive header-name match of [p, p+n) against NAME. */
static int name_is(const char *p, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

/* Does the comma-separated header value [v, v+n) contain TOKEN (case-insensitive)? */
static int value_has(const char *v, size_t n, const char *token)
{
    size_t tl = strlen(token);
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        size_t j = i;
        while (j < n && v[j] != ',') j++;
        size_t e = j;
        while (e > i && (v[e - 1] == ' ' || v[e - 1] == '\t')) e--;
        if (e - i == tl && strncasecmp(v + i, token, tl) == 0) return 1;
        i = j + 1;
    }
    return 0;
}

/* Parse one request head of length HLEN (ending in CRLFCRLF) at the front of
 * c->in and respond. Returns 0, or -1 if the connection must stop parsing. */
static int handle_request(struct conn *c, size_t hlen)
{
    const char *p = c->in;
    const char *end = p + hlen - 2; /* drop the final CRLF: lines are [p, CRLF) */
    for (size_t i = 0; i < hlen; i++)
        if (p[i] == '\0') return bad_request(c, 400, "Bad Request", "bad request\n"), -1;

    /* request line: METHOD SP TARGET SP HTTP/1.x */
    const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    if (!eol) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    if (!sp1 || sp1 == p) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
    const char *tgt = sp1 + 1;
    const char *sp2 = memchr(tgt, ' ', (size_t)(eol - tgt));
    if (!sp2 || sp2 == tgt) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
    const char *ver = sp2 + 1;
    size_t vlen = (size_t)(eol - ver);
    int http10;
    if (vlen == 8 && !memcmp(ver, "HTTP/1.1", 8))
        http10 = 0;
    else if (vlen == 8 && !memcmp(ver, "HTTP/1.0", 8))
        http10 = 1;
    else
        return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
    size_t mlen = (size_t)(sp1 - p);
    for (size_t i = 0; i < mlen; i++)
        if (!isupper((unsigned char)p[i])) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
    size_t tlen = (size_t)(sp2 - tgt);
    for (size_t i = 0; i < tlen; i++)
        if ((unsigned char)tgt[i] <= ' ' || (unsigned char)tgt[i] == 0x7f)
            return bad_request(c, 400, "Bad Request", "bad request\n"), -1;

    /* headers */
    int keep_alive = !http10, have_cl = 0, te = 0;
    uint64_t cl = 0;
    const char *line = eol + 2;
    while (line < end) {
        const char *le = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
        if (!le) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
        const char *colon = memchr(line, ':', (size_t)(le - line));
        if (!colon || colon == line) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
        for (const char *q = line; q < colon; q++)
            if (*q == ' ' || *q == '\t') return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
        const char *v = colon + 1;
        while (v < le && (*v == ' ' || *v == '\t')) v++;
        const char *ve = le;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        size_t nlen = (size_t)(colon - line), vl = (size_t)(ve - v);
        if (name_is(line, nlen, "content-length")) {
            if (!vl || vl > 19) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
            uint64_t x = 0;
            for (size_t i = 0; i < vl; i++) {
                if (!isdigit((unsigned char)v[i])) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
                x = x * 10 + (uint64_t)(v[i] - '0');
            }
            if (have_cl && x != cl) return bad_request(c, 400, "Bad Request", "bad request\n"), -1;
            have_cl = 1;
            cl = x;
        } else if (name_is(line, nlen, "connection")) {
            if (value_has(v, vl, "close")) keep_alive = 0;
            else if (value_has(v, vl, "keep-alive")) keep_alive = 1;
        } else if (name_is(line, nlen, "transfer-encoding")) {
            te = 1;
        }
        line = le + 2;
    }
    if (te) {
        respond(c, 501, "Not Implemented", "transfer-encoding not supported\n", 0, 0, http10, NULL);
        return -1;
    }
    if (cl > MAX_BODY) {
        respond(c, 413, "Payload Too Large", "payload too large\n", 0, 0, http10, NULL);
        return -1;
    }

    busy_work();

    /* route (path without query string) */
    size_t plen = tlen;
    const char *qm = memchr(tgt, '?', tlen);
    if (qm) plen = (size_t)(qm - tgt);
    int head = mlen == 4 && !memcmp(p, "HEAD", 4);
    int get = mlen == 3 && !memcmp(p, "GET", 3);
    int post = mlen == 4 && !memcmp(p, "POST", 4);
    if (get || head) {
        if (plen == 1 && tgt[0] == '/')
            respond(c, 200, "OK", "hello\n", head, keep_alive, http10, NULL);
        else if (plen == 8 && !memcmp(tgt, "/healthz", 8))
            respond(c, 200, "OK", "ok\n", head, keep_alive, http10, NULL);
        else
            respond(c, 404, "Not Found", "not found\n", head, keep_alive, http10, NULL);
    } else if (post) {
        char b[32];
        snprintf(b, sizeof(b), "%llu\n", (unsigned long long)cl);
        respond(c, 200, "OK", b, 0, keep_alive, http10, NULL);
    } else {
        respond(c, 405, "Method Not Allowed", "method not allowed\n", 0, keep_alive, http10,
                "Allow: GET, HEAD, POST\r\n");
    }
    c->body_left = cl; /* the body (if any) is skipped, not stored */
    return c->closing ? -1 : 0;
}

static void consume(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* Parse as many complete requests as are buffered. */
static void process_input(struct conn *c)
{
    while (!c->closing && c->out_len - c->out_off < OUT_HIGH_WATER) {
        if (c->body_left) {
            size_t n = c->in_len < c->body_left ? c->in_len : (size_t)c->body_left;
            consume(c, n);
            c->body_left -= n;
            if (c->body_left) return;
        }
        if (!c->in_len) return;
        char *hend = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!hend) {
            if (c->in_len > MAX_HEADER) bad_request(c, 431, "Request Header Fields Too Large", "headers too large\n");
            return;
        }
        size_t hlen = (size_t)(hend - c->in) + 4;
        if (hlen > MAX_HEADER) {
            bad_request(c, 431, "Request Header Fields Too Large", "headers too large\n");
            return;
        }
        int r = handle_request(c, hlen);
        consume(c, hlen);
        if (r) return;
    }
}

static void set_events(struct conn *c, int want_out)
{
    if (c->want_out == want_out) return;
    struct epoll_event ev = {.events = want_out ? EPOLLOUT : EPOLLIN, .data.fd = c->fd};
    if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->want_out = want_out;
}

/* Write queued output. Returns -1 if the connection was closed. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            set_events(c, 1);
            return 0;
        }
        if (w <= 0) {
            conn_close(c);
            return -1;
        }
        c->out_off += (size_t)w;
    }
    c->out_off = c->out_len = 0;
    if (c->closing) {
        shutdown(c->fd, SHUT_WR);
        conn_close(c);
        return -1;
    }
    set_events(c, 0);
    return 0;
}

static void on_readable(struct conn *c)
{
    if (grow(&c->in, &c->in_cap, c->in_len + READ_CHUNK)) {
        conn_close(c);
        return;
    }
    ssize_t r = read(c->fd, c->in + c->in_len, READ_CHUNK);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (r <= 0) { /* EOF or error (ECONNRESET from a blocking hook, say) */
        conn_close(c);
        return;
    }
    if (c->closing) return; /* discard input after a closing response */
    c->in_len += (size_t)r;
    process_input(c);
    flush_out(c);
}

static void on_writable(struct conn *c)
{
    if (flush_out(c)) return;
    /* output drained below the high-water mark: resume parsing buffered input */
    process_input(c);
    flush_out(c);
}

static void accept_all(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or EMFILE etc.: try again on the next event */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = (size_t)fd < nconns ? calloc(1, sizeof(*c)) : NULL;
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->epfd = worker_epfd[next_worker];
        next_worker = (next_worker + 1) % workers;
        conns[fd] = c; /* before the epoll_ctl that lets its thread see it */
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            conns[fd] = NULL;
            close(fd);
            free(c);
        }
    }
}

/* One thread's event loop: worker w's connections (worker 0, the main thread, also accepts). */
static void serve_until_stopped(int w, int lfd, const sigset_t *waitmask)
{
    struct epoll_event evs[64];
    while (!stop_flag) {
        int n = epoll_pwait(worker_epfd[w], evs, 64, -1, waitmask);
        if (n < 0) {
            if (errno == EINTR) continue;
            fatal("epoll_pwait");
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                accept_all(lfd);
                continue;
            }
            struct conn *c = (size_t)fd < nconns ? conns[fd] : NULL;
            if (!c) continue;
            if (c->want_out) {
                if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_writable(c);
            } else if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                on_readable(c);
            }
        }
    }
}

struct worker_args { int w, lfd; const sigset_t *waitmask; };
static struct worker_args worker_args[MAX_WORKERS];

/* A worker that took SIGTERM/SIGINT ends the process, as the main thread does by returning. */
static void *worker_main(void *p)
{
    struct worker_args *a = p;
    serve_until_stopped(a->w, a->lfd, a->waitmask);
    exit(0);
}

static void start_workers(int lfd, const sigset_t *waitmask)
{
    for (int w = 1; w < workers; w++) {
        pthread_t t;
        worker_args[w] = (struct worker_args){ w, lfd, waitmask };
        if ((errno = pthread_create(&t, NULL, worker_main, &worker_args[w])) != 0) fatal("pthread_create");
    }
}

static int parse_port(const char *s)
{
    char *end = NULL;
    errno = 0;
    long p = strtol(s, &end, 10);
    if (errno || !*s || *end || p < 0 || p > 65535) return -1;
    return (int)p;
}

int main(int argc, char **argv)
{
    const char *ps = argc > 1 ? argv[1] : getenv("PORT");
    int port = 8080;
    if (ps && *ps) {
        port = parse_port(ps);
        if (port < 0) {
            fprintf(stderr, "sut: bad port: %s (want 0..65535)\n", ps);
            return 2;
        }
    }
    const char *host = getenv("HOST");
    if (!host || !*host) host = "127.0.0.1";
    const char *wu = getenv("SUT_WORK_US");
    if (wu && *wu) {
        char *end = NULL;
        unsigned long long us = strtoull(wu, &end, 10);
        if (*end || wu[0] == '-') {
            fprintf(stderr, "sut: bad SUT_WORK_US: %s\n", wu);
            return 2;
        }
        work_ns = us * 1000ull;
    }

    const char *wk = getenv("WORKERS");
    if (wk && *wk) {
        char *end = NULL;
        long n = strtol(wk, &end, 10);
        if (*end || n < 1 || n > MAX_WORKERS) {
            fprintf(stderr, "sut: bad WORKERS: %s (want 1..%d)\n", wk, MAX_WORKERS);
            return 2;
        }
        workers = (int)n;
    }

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t slen;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        slen = sizeof(*s4);
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        slen = sizeof(*s6);
    } else {
        fprintf(stderr, "sut: bad HOST (want a numeric IPv4/IPv6 address): %s\n", host);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);
    /* SIGTERM/SIGINT are blocked except inside epoll_pwait: no lost wake-ups. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) fatal("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(lfd, (struct sockaddr *)&ss, slen) != 0) fatal("bind");
    if (listen(lfd, 1024) != 0) fatal("listen");
    slen = sizeof(ss);
    if (getsockname(lfd, (struct sockaddr *)&ss, &slen) != 0) fatal("getsockname");
    int real_port = ntohs(ss.ss_family == AF_INET ? s4->sin_port : s6->sin6_port);

    conns = calloc(nconns, sizeof(*conns));
    if (!conns) fatal("calloc");
    for (int w = 0; w < workers; w++)
        if ((worker_epfd[w] = epoll_create1(EPOLL_CLOEXEC)) < 0) fatal("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
    if (epoll_ctl(worker_epfd[0], EPOLL_CTL_ADD, lfd, &lev) != 0) fatal("epoll_ctl");
    start_workers(lfd, &waitmask);

    printf("listening on %s:%d\n", host, real_port);
    fflush(stdout);

    serve_until_stopped(0, lfd, &waitmask);
    for (size_t i = 0; i < nconns; i++)
        if (conns[i]) conn_close(conns[i]);
    free(conns);
    close(lfd);
    return 0;
}
