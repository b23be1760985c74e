/* floor.c - the measuring reference of `npm run bench`: the least a client can do to run the gate's
 * round design, keep-alive GETs alternating between two servers, one request in flight, blocking
 * sockets, CLOCK_MONOTONIC around each request. Its per-round spread is the floor the gate's load
 * generator is compared with.
 *
 *   floor PORT_A PORT_B ROUNDS PAIRS [coin]    prints "round,arm,seq,latency_ns" rows (arm 0 = PORT_A)
 *
 * By default the two servers strictly alternate (A B A B ...). With `coin`, a coin per pair decides
 * which server goes first, as the gate's schedule does (A B | B A | ...): then two requests in a row
 * sometimes go to the same server, and the latencies mix two modes (after the same server, after the
 * other). `npm run bench -- load` splits each client's rows by that predecessor.
 *
 * Responses must carry Content-Length (the example SUT's do). Exit 1 on any error.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("floor: connect");
        exit(1);
    }
    return fd;
}

static long long now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One GET; returns its latency in ns. */
static long long get(int fd, const char *req, size_t reqlen)
{
    static char buf[65536];
    long long t0 = now();
    if (write(fd, req, reqlen) != (ssize_t)reqlen) exit(1);
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0) exit(1);
        have += (size_t)n;
        buf[have] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (!end) continue;
        char *cl = strcasestr(buf, "content-length:");
        size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
        if (have >= (size_t)(end + 4 - buf) + body) break;
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "coin") == 0)) {
        fprintf(stderr, "usage: floor PORT_A PORT_B ROUNDS PAIRS [coin]\n");
        return 2;
    }
    int coin = argc == 6;
    unsigned first = 0;
    int ports[2] = { atoi(argv[1]), atoi(argv[2]) };
    long rounds = atol(argv[3]), pairs = atol(argv[4]);
    char req[2][128];
    size_t len[2];
    for (int i = 0; i < 2; i++)
        len[i] = (size_t)snprintf(req[i], sizeof req[i], "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: keep-alive\r\n\r\n", ports[i]);
    static char line[64 * 1024];
    for (long r = 0; r < rounds; r++) {
        int fd[2] = { dial(ports[0]), dial(ports[1]) };
        size_t used = 0;
        for (long k = 0; k < 2 * pairs; k++) {
            if (coin && (k & 1) == 0) first = (unsigned)rand() & 1;
            int arm = (int)((k & 1) ^ first);
            long long ns = get(fd[arm], req[arm], len[arm]);
            used += (size_t)snprintf(line + used, sizeof line - used, "%ld,%d,%ld,%lld\n", r, arm, k, ns);
            if (used > sizeof line - 128) {
                fwrite(line, 1, used, stdout);
                used = 0;
            }
        }
        fwrite(line, 1, used, stdout);
        close(fd[0]);
        close(fd[1]);
    }
    return 0;
}
