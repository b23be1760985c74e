/* micro.c - micro benchmark driver: calls one libc function in a tight loop and
 * prints the mean ns per call of each batch. Run it with and without LD_PRELOAD
 * of a hook to get the hook's per-call cost.
 *
 *   micro --function read|recv|write|send|accept|accept4|close|open|readv|recvfrom|recvmsg|writev|sendto|sendmsg|connect|epoll_wait|epoll_pwait|poll|openat
 *         [--batches B] [--batch-size K] [--cpu N] [--warmup W] [--pause-us P]
 *
 * --pause-us P sleeps P microseconds (untimed) before each batch: the driver
 * then works in bursts, like a server between requests, and on a loaded host
 * the scheduler wakes it with a sleeper's priority instead of time-slicing a
 * CPU hog - short batches after a pause measure the call, not the contention.
 *
 * stdout: "# function=F batch_size=K" then one line per (non-warm-up) batch:
 *         the batch's mean ns per call with 3 fractional digits.
 * exit:   0 ok; 2 bad arguments (one line on stderr); 1 runtime failure.
 *
 * What is timed (clock_gettime(CLOCK_MONOTONIC) around runs of calls; set-up
 * work between runs is untimed and a batch is the sum of its timed runs):
 *   read    read(fd, buf, 1) on a socketpair prefilled untimed with one byte per call
 *   recv    recv(fd, buf, 1, 0) likewise
 *   write   write(fd, "x", 1) into a pipe, drained untimed between runs
 *   send    send(fd, "x", 1, 0) into a socketpair, drained untimed between runs
 *   accept  accept() on a loopback TCP listener whose clients were connected
 *           untimed just before; closing both ends is untimed (accept only)
 *   accept4 likewise, accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) (what
 *           event-loop servers call)
 *   close   close() of fds made untimed by dup()
 *   open    open(tmpfile, O_RDONLY) + close() of a temporary file, both timed
 *   openat  likewise, openat(AT_FDCWD, tmpfile, O_RDONLY) + close()
 *   readv / recvfrom / recvmsg
 *           like read: one byte into a one-entry iovec / buffer / msghdr from a
 *           socketpair prefilled untimed
 *   writev  like write: one byte from a one-entry iovec into a pipe, drained untimed
 *   sendto / sendmsg
 *           like send: one byte into a socketpair, drained untimed
 *   connect a blocking connect() of a fresh TCP socket (made untimed) to a loopback
 *           listener: the full handshake, as a client opening a connection pays
 *           it; accept() and closing both ends are untimed (runs of 128)
 *   epoll_wait / epoll_pwait
 *           timeout 0 on an epoll set whose one fd (a socketpair end with unread
 *           data, level-triggered) is always ready: each call returns 1 event
 *   poll    timeout 0 on one pollfd that is always ready likewise
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum fn {
    F_READ, F_RECV, F_WRITE, F_SEND, F_ACCEPT, F_CLOSE, F_OPEN, F_ACCEPT4,
    F_READV, F_RECVFROM, F_RECVMSG, F_WRITEV, F_SENDTO, F_SENDMSG, F_CONNECT,
    F_EPOLL_WAIT, F_EPOLL_PWAIT, F_POLL, F_OPENAT
};
static const char *const fn_names[] = {
    "read", "recv", "write", "send", "accept", "close", "open", "accept4",
    "readv", "recvfrom", "recvmsg", "writev", "sendto", "sendmsg", "connect",
    "epoll_wait", "epoll_pwait", "poll", "openat",
};

#define USAGE                                                                                        \
    "micro --function read|recv|write|send|accept|accept4|close|open|readv|recvfrom|recvmsg|writev|sendto|sendmsg|connect|epoll_wait|epoll_pwait|poll|openat "                                                                        \
    "[--batches B] [--batch-size K] [--cpu N] [--warmup W] [--pause-us P]"

static void usage_fail(const char *msg, const char *arg)
{
    if (arg)
        fprintf(stderr, "micro: %s: %s (usage: " USAGE ")\n", msg, arg);
    else
        fprintf(stderr, "micro: %s (usage: " USAGE ")\n", msg);
    exit(2);
}

static void pause_us_for(long us)
{
    if (us <= 0) return;
    struct timespec t = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

static void die(const char *what)
{
    fprintf(stderr, "micro: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long parse_int(const char *opt, const char *v, long min, long max)
{
    if (!v) usage_fail("missing value for", opt);
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || !*v || *end || x < min || x > max) {
        char m[96];
        snprintf(m, sizeof(m), "bad value for %s (want %ld..%ld)", opt, min, max);
        usage_fail(m, v);
    }
    return x;
}

static inline uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* ---- per-function state ---- */
static int sp[2];              /* socketpair: [0] reader / sender, [1] the other end */
static int pp[2];              /* pipe for write */
static int lfd = -1;           /* accept, connect: listener */
static int epfd = -1;          /* epoll_wait, epoll_pwait: epoll set with sp[0] always ready */
static struct sockaddr_in laddr;
static char tmpl[] = "/tmp/hook-latency-micro-XXXXXX";
static int have_tmp;
static char big[65536];
static char sink[65536];

static void cleanup_tmp(void)
{
    if (have_tmp) unlink(tmpl);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) die("refill write");
        p += w;
        n -= (size_t)w;
    }
}

/* Drain everything currently readable from non-blocking FD. */
static void drain(int fd)
{
    for (;;) {
        ssize_t r = read(fd, sink, sizeof(sink));
        if (r > 0) continue;
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno == EAGAIN) return;
        if (r == 0) return;
        die("drain read");
    }
}

static void setup(enum fn f)
{
    memset(big, 'x', sizeof(big));
    switch (f) {
    case F_READ:
    case F_RECV:
    case F_READV:
    case F_RECVFROM:
    case F_RECVMSG:
    case F_SEND:
    case F_SENDTO:
    case F_SENDMSG:
    case F_EPOLL_WAIT:
    case F_EPOLL_PWAIT:
    case F_POLL: {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) die("socketpair");
        int sz = 1 << 20;
        setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
        setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
        setsockopt(sp[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
        setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
        if (f == F_SEND || f == F_SENDTO || f == F_SENDMSG) fcntl(sp[1], F_SETFL, O_NONBLOCK);
        if (f == F_EPOLL_WAIT || f == F_EPOLL_PWAIT || f == F_POLL) write_all(sp[1], "x", 1); /* never read: stays ready */
        if (f == F_EPOLL_WAIT || f == F_EPOLL_PWAIT) {
            epfd = epoll_create1(EPOLL_CLOEXEC);
            if (epfd < 0) die("epoll_create1");
            struct epoll_event ev = {.events = EPOLLIN, .data.fd = sp[0]};
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, sp[0], &ev) != 0) die("epoll_ctl");
        }
        break;
    }
    case F_WRITE:
    case F_WRITEV:
        if (pipe(pp) != 0) die("pipe");
        fcntl(pp[0], F_SETFL, O_NONBLOCK);
        break;
    case F_ACCEPT:
    case F_ACCEPT4:
    case F_CONNECT: {
        lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (lfd < 0) die("socket");
        memset(&laddr, 0, sizeof(laddr));
        laddr.sin_family = AF_INET;
        laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        laddr.sin_port = 0;
        if (bind(lfd, (struct sockaddr *)&laddr, sizeof(laddr)) != 0) die("bind");
        if (listen(lfd, 4096) != 0) die("listen");
        socklen_t l = sizeof(laddr);
        if (getsockname(lfd, (struct sockaddr *)&laddr, &l) != 0) die("getsockname");
        break;
    }
    case F_CLOSE:
        break;
    case F_OPEN:
    case F_OPENAT: {
        int fd = mkstemp(tmpl);
        if (fd < 0) die("mkstemp");
        have_tmp = 1;
        atexit(cleanup_tmp);
        close(fd);
        break;
    }
    }
}

/* Largest run of calls whose set-up fits in the kernel's buffers / fd limits. */
static long run_len(enum fn f)
{
    switch (f) {
    case F_READ:
    case F_RECV:
    case F_READV:
    case F_RECVFROM:
    case F_RECVMSG: return 65536;
    case F_WRITE:
    case F_WRITEV: return 32768; /* pipe: 1-byte writes merge into pages (64 KiB) */
    case F_SEND:
    case F_SENDTO:
    case F_SENDMSG: return 64; /* unix stream: one skb per send */
    case F_ACCEPT:
    case F_ACCEPT4:
    case F_CONNECT: return 128;
    case F_CLOSE: return 256;
    case F_OPEN:
    case F_OPENAT:
    case F_EPOLL_WAIT:
    case F_EPOLL_PWAIT:
    case F_POLL: return 1 << 30;
    }
    return 1;
}

/* Makes N bytes readable on sp[0] (untimed): one per 1-byte read of the run. */
static void prefill(long n)
{
    for (long left = n; left > 0;) {
        long c = left > (long)sizeof(big) ? (long)sizeof(big) : left;
        write_all(sp[1], big, (size_t)c);
        left -= c;
    }
}

/* Time N calls of F (N <= run_len(F)); returns elapsed ns of the timed part. */
static uint64_t timed_run(enum fn f, long n)
{
    static int fds[1024];
    static int cl[1024];
    char b[1];
    struct iovec iov = {.iov_base = b, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct epoll_event ev[8];
    struct pollfd pfd = {.fd = sp[0], .events = POLLIN};
    uint64_t t0, t1;
    long i;
    switch (f) {
    case F_READV:
    case F_RECVFROM:
    case F_RECVMSG:
        prefill(n);
        t0 = now_ns();
        if (f == F_READV) {
            for (i = 0; i < n; i++)
                if (readv(sp[0], &iov, 1) != 1) die("readv");
        } else if (f == F_RECVFROM) {
            for (i = 0; i < n; i++)
                if (recvfrom(sp[0], b, 1, 0, NULL, NULL) != 1) die("recvfrom");
        } else {
            for (i = 0; i < n; i++)
                if (recvmsg(sp[0], &msg, 0) != 1) die("recvmsg");
        }
        t1 = now_ns();
        return t1 - t0;
    case F_WRITEV:
        b[0] = 'x';
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (writev(pp[1], &iov, 1) != 1) die("writev");
        t1 = now_ns();
        drain(pp[0]);
        return t1 - t0;
    case F_SENDTO:
    case F_SENDMSG:
        b[0] = 'x';
        t0 = now_ns();
        if (f == F_SENDTO) {
            for (i = 0; i < n; i++)
                if (sendto(sp[0], b, 1, 0, NULL, 0) != 1) die("sendto");
        } else {
            for (i = 0; i < n; i++)
                if (sendmsg(sp[0], &msg, 0) != 1) die("sendmsg");
        }
        t1 = now_ns();
        drain(sp[1]);
        return t1 - t0;
    case F_CONNECT: {
        struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* RST on close: no TIME_WAIT */
        for (i = 0; i < n; i++) {
            cl[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (cl[i] < 0) die("socket");
            setsockopt(cl[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        }
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (connect(cl[i], (struct sockaddr *)&laddr, sizeof(laddr)) != 0) die("connect");
        t1 = now_ns();
        for (i = 0; i < n; i++) {
            int a = accept(lfd, NULL, NULL);
            if (a < 0) die("accept");
            close(a);
            close(cl[i]);
        }
        return t1 - t0;
    }
    case F_EPOLL_WAIT:
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (epoll_wait(epfd, ev, 8, 0) != 1) die("epoll_wait");
        t1 = now_ns();
        return t1 - t0;
    case F_EPOLL_PWAIT:
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (epoll_pwait(epfd, ev, 8, 0, NULL) != 1) die("epoll_pwait");
        t1 = now_ns();
        return t1 - t0;
    case F_POLL:
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (poll(&pfd, 1, 0) != 1) die("poll");
        t1 = now_ns();
        return t1 - t0;
    case F_OPENAT:
        t0 = now_ns();
        for (i = 0; i < n; i++) {
            int fd = openat(AT_FDCWD, tmpl, O_RDONLY);
            if (fd < 0) die("openat");
            close(fd);
        }
        t1 = now_ns();
        return t1 - t0;
    case F_READ:
        prefill(n);
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (read(sp[0], b, 1) != 1) die("read");
        t1 = now_ns();
        return t1 - t0;
    case F_RECV:
        prefill(n);
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (recv(sp[0], b, 1, 0) != 1) die("recv");
        t1 = now_ns();
        return t1 - t0;
    case F_WRITE:
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (write(pp[1], "x", 1) != 1) die("write");
        t1 = now_ns();
        drain(pp[0]);
        return t1 - t0;
    case F_SEND:
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (send(sp[0], "x", 1, 0) != 1) die("send");
        t1 = now_ns();
        drain(sp[1]);
        return t1 - t0;
    case F_ACCEPT:
    case F_ACCEPT4: {
        for (i = 0; i < n; i++) {
            cl[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (cl[i] < 0) die("socket");
            struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* RST on close: no TIME_WAIT */
            setsockopt(cl[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            if (connect(cl[i], (struct sockaddr *)&laddr, sizeof(laddr)) != 0 && errno != EINPROGRESS)
                die("connect");
        }
        t0 = now_ns();
        for (i = 0; i < n; i++) {
            fds[i] = f == F_ACCEPT4 ? accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) : accept(lfd, NULL, NULL);
            if (fds[i] < 0) die(fn_names[f]);
        }
        t1 = now_ns();
        for (i = 0; i < n; i++) {
            close(cl[i]);
            close(fds[i]);
        }
        return t1 - t0;
    }
    case F_CLOSE:
        for (i = 0; i < n; i++) {
            fds[i] = dup(2);
            if (fds[i] < 0) die("dup");
        }
        t0 = now_ns();
        for (i = 0; i < n; i++)
            if (close(fds[i]) != 0) die("close");
        t1 = now_ns();
        return t1 - t0;
    case F_OPEN:
        t0 = now_ns();
        for (i = 0; i < n; i++) {
            int fd = open(tmpl, O_RDONLY);
            if (fd < 0) die("open");
            close(fd);
        }
        t1 = now_ns();
        return t1 - t0;
    }
    return 0;
}

static double batch(enum fn f, long k)
{
    long chunk = run_len(f);
    uint64_t total = 0;
    for (long done = 0; done < k;) {
        long n = k - done > chunk ? chunk : k - done;
        total += timed_run(f, n);
        done += n;
    }
    return (double)total / (double)k;
}

int main(int argc, char **argv)
{
    int f = -1;
    long batches = 20, k = 10000, warmup = 1, cpu = -1, pause_us = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--function")) {
            if (!v) usage_fail("missing value for", a);
            for (int j = 0; j < (int)(sizeof(fn_names) / sizeof(*fn_names)); j++)
                if (!strcmp(v, fn_names[j])) f = j;
            if (f < 0) usage_fail("unknown function", v);
            i++;
        } else if (!strcmp(a, "--batches")) {
            batches = parse_int(a, v, 1, 100000000);
            i++;
        } else if (!strcmp(a, "--batch-size")) {
            k = parse_int(a, v, 1, 1000000000);
            i++;
        } else if (!strcmp(a, "--warmup")) {
            warmup = parse_int(a, v, 0, 100000000);
            i++;
        } else if (!strcmp(a, "--pause-us")) {
            pause_us = parse_int(a, v, 0, 1000000);
            i++;
        } else if (!strcmp(a, "--cpu")) {
            cpu = parse_int(a, v, 0, CPU_SETSIZE - 1);
            i++;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: " USAGE "\n");
            return 0;
        } else {
            usage_fail("unknown argument", a);
        }
    }
    if (f < 0) usage_fail("--function is required", NULL);

    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set) != 0) {
            char m[64];
            snprintf(m, sizeof(m), "%ld", cpu);
            usage_fail("cannot pin to --cpu", m);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max && rl.rlim_cur < 4096) {
        rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    setup((enum fn)f);
    printf("# function=%s batch_size=%ld\n", fn_names[f], k);
    for (long w = 0; w < warmup; w++) batch((enum fn)f, k);
    for (long b = 0; b < batches; b++) {
        pause_us_for(pause_us);
        printf("%.3f\n", batch((enum fn)f, k));
    }
    if (fflush(stdout) != 0) die("stdout");
    return 0;
}
