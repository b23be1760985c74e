/* loadgen.c - the gate's load generator: runs whole rounds of the interleaved experiment against two
 * HTTP targets and writes the samples CSV.
 *
 *   loadgen [CONFIG_FILE]           rounds; the config from the file ("-": stdin), else $LOADGEN_CONFIG
 *   loadgen --count [CONFIG_FILE]   sequential requests to the candidate (call counting)
 *   loadgen --idle                  wait for a signal (the counting pod's loadgen container, until exec)
 *   loadgen --join OUT SHA256 PART...  concatenate PARTs into OUT (mode 0555) and check its SHA-256
 *                                   (a hook too large for one ConfigMap, joined in an init container)
 *   loadgen --xoshiro S0 S1 S2 S3 N the first N outputs of xoshiro128** from that state (a
 *                                   known-answer self-check of the design's generator)
 *
 * The config is line-oriented, written by src/loadgen/native-config.ts (docs/contracts.md); the
 * request bytes arrive pre-serialized, so this program parses no JSON and builds no request.
 *
 * Static and freestanding (no libc; raw syscalls on x86-64 and aarch64; make -C hook loadgen), for
 * the same reasons as pin.c: LD_PRELOAD and the image's libc never touch it, it runs in any image
 * (the pods run it in the SUT's own image, sent in the ConfigMap), and its loop has no allocator,
 * garbage collector or event loop between two requests. With `concurrency 1` (the default) one
 * request is in flight, on blocking sockets; with N > 1, N closed loops ("lanes", each a connection
 * to either arm) run the pairs side by side on non-blocking sockets and one ppoll.
 *
 * Exit codes: 0 done (request errors are rows with status 0), 2 bad config, 3 a target never became
 * ready, the output could not be written or a counted request failed; 128+N after flushing every
 * measured row on SIGINT/SIGTERM (N the signal).
 */
#include "freestanding.h"
#include <stdint.h>

typedef unsigned long ulong;

#if defined(__x86_64__)
enum { NR_shutdown = 48, NR_ppoll = 271, NR_getsockopt = 55, NR_read = 0, NR_write = 1, NR_close = 3, NR_rt_sigprocmask = 14, NR_nanosleep = 35,
       NR_socket = 41, NR_connect = 42, NR_sendto = 44, NR_setsockopt = 54, NR_kill = 62,
       NR_rt_sigpending = 127, NR_clock_gettime = 228, NR_exit_group = 231, NR_openat = 257,
       NR_unlinkat = 263 };
#elif defined(__aarch64__)
enum { NR_shutdown = 210, NR_ppoll = 73, NR_getsockopt = 209, NR_read = 63, NR_write = 64, NR_close = 57, NR_rt_sigprocmask = 135, NR_nanosleep = 101,
       NR_socket = 198, NR_connect = 203, NR_sendto = 206, NR_setsockopt = 208, NR_kill = 129,
       NR_rt_sigpending = 136, NR_clock_gettime = 113, NR_exit_group = 94, NR_openat = 56,
       NR_unlinkat = 35 };
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Small helpers */

enum { E_INTR = 4, E_AGAIN = 11, E_PIPE = 32, E_INPROGRESS = 115 };
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY_CREAT_TRUNC_CLOEXEC (01 | 0100 | 01000 | 02000000)
#define SIGINT 2
#define SIGUSR2 12
#define SIGTERM 15

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
/* Case-insensitive: does [s, s+n) equal the lower-case word w? */
static int word_is(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && w[i]; i++)
        if (lower((unsigned char)s[i]) != w[i]) return 0;
    return i == n && !w[i];
}

/* A line assembled in a buffer, then written with one write(2). */
typedef struct { char b[1024]; size_t n; } line_t;
static void add(line_t *l, const char *s)
{
    while (*s && l->n < sizeof l->b - 1) l->b[l->n++] = *s++;
}
static void add_u(line_t *l, uint64_t v)
{
    char t[24], *p = t + sizeof t;
    *--p = 0;
    do *--p = (char)('0' + v % 10); while (v /= 10);
    add(l, p);
}
static void say(line_t *l)
{
    l->b[l->n++] = '\n';
    sys3(NR_write, 2, l->b, l->n);
    l->n = 0;
}

static __attribute__((noreturn)) void leave(int code)
{
    for (;;) sys6(NR_exit_group, code, 0, 0, 0, 0, 0);
}

static uint64_t now_ns(void)
{
    long ts[2];
    sys3(NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, ts, 0);
    return (uint64_t)ts[0] * 1000000000u + (uint64_t)ts[1];
}
static void sleep_ms(long ms)
{
    long ts[2] = { ms / 1000, (ms % 1000) * 1000000 };
    sys3(NR_nanosleep, ts, 0, 0);
}

/* The names Node gave these errors, which the messages and tests keep. */
static const char *errno_name(long err)
{
    switch (-err) {
    case 1: return "EPERM";
    case 2: return "ENOENT";
    case 13: return "EACCES";
    case 24: return "EMFILE";
    case 32: return "EPIPE";
    case 99: return "EADDRNOTAVAIL";
    case 101: return "ENETUNREACH";
    case 103: return "ECONNABORTED";
    case 104: return "ECONNRESET";
    case 105: return "ENOBUFS";
    case 110: return "ETIMEDOUT";
    case 111: return "ECONNREFUSED";
    case 113: return "EHOSTUNREACH";
    default: return "error";
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* The design's PRNG, bit for bit as src/experiment/prng.ts: xoshiro128** seeded by splitmix32. */

static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}
typedef struct { uint32_t s[4]; } prng_t;
static void prng_seed(prng_t *g, uint32_t seed)
{
    for (int i = 0; i < 4; i++) {
        seed += 0x9e3779b9u;
        g->s[i] = fmix32(seed);
    }
    if ((g->s[0] | g->s[1] | g->s[2] | g->s[3]) == 0) g->s[0] = 0x9e3779b9u;
}
static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t next_u32(prng_t *g)
{
    uint32_t *s = g->s;
    uint32_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
}
static int next_bit(prng_t *g) { return (int)(next_u32(g) >> 31); }
static uint32_t derive_seed(uint32_t seed, uint32_t round, uint32_t stream)
{
    uint32_t h = fmix32(seed ^ 0x243f6a88u);
    h = fmix32(h ^ round * 0x9e3779b9u);
    return fmix32(h ^ stream * 0x85ebca6bu ^ 0x13198a2eu);
}
enum { STREAM_SCHEDULE = 0, STREAM_MIX = 1, STREAM_WARMUP_MIX = 2, STREAM_START_ORDER = 3 };

/* ---------------------------------------------------------------------------------------------- */
/* Config */

enum { BASELINE = 0, CANDIDATE = 1, MAX_REQUESTS = 256, MAX_CONCURRENCY = 64 };
static const char *const ARM_NAME[2] = { "baseline", "candidate" };

typedef struct { uint8_t ip[4]; uint16_t port; char text[64]; /* host:port */ } target_t;
typedef struct { double weight; int head; const char *wire[2]; size_t size[2]; } request_t;

static struct {
    uint32_t seed;
    uint64_t round, rounds, warmup, pairs, count;
    int keep_alive, have_seed, have_target[2], concurrency;
    long timeout_ms, wait_ready_ms;
    const char *ready_path, *out, *count_file;
    target_t target[2];
    request_t req[MAX_REQUESTS];
    double cum[MAX_REQUESTS];
    int nreq;
} cfg = { .rounds = 1, .warmup = 100, .pairs = 1000, .keep_alive = 1, .concurrency = 1, .timeout_ms = 5000,
          .wait_ready_ms = 30000, .ready_path = "/" };

static char cfg_text[8 << 20];
static char arena[8 << 20];
static size_t arena_used;

static long cfg_line;
static __attribute__((noreturn)) void bad(const char *what, const char *detail)
{
    line_t l = { .n = 0 };
    add(&l, "loadgen config: ");
    if (cfg_line > 0) {
        add(&l, "line ");
        add_u(&l, (uint64_t)cfg_line);
        add(&l, ": ");
    }
    add(&l, what);
    if (detail) add(&l, detail);
    say(&l);
    leave(2);
}

/* Splits the next space-separated field off *p (the line is NUL-terminated; fields are NUL-ended). */
static char *field(char **p)
{
    char *s = *p;
    while (*s == ' ') s++;
    if (!*s) return NULL;
    char *e = s;
    while (*e && *e != ' ') e++;
    if (*e) *e++ = 0;
    *p = e;
    return s;
}
static char *need(char **p, const char *key)
{
    char *f = field(p);
    if (!f) bad("missing value for ", key);
    return f;
}
static uint64_t number(const char *s, const char *key, uint64_t max)
{
    uint64_t v = 0;
    if (!*s) bad("bad number for ", key);
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10) bad("bad number for ", key);
        v = v * 10 + (uint64_t)(*s - '0');
    }
    return v;
}
static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
static const char *unhex(const char *s, size_t *size)
{
    size_t n = len(s);
    if (n % 2 || n / 2 > sizeof arena - arena_used) bad("bad or too large hex bytes", NULL);
    char *out = arena + arena_used;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) bad("bad hex bytes", NULL);
        out[i / 2] = (char)(hi << 4 | lo);
    }
    arena_used += n / 2;
    *size = n / 2;
    return out;
}
static double hex_double(const char *s)
{
    union { uint64_t u; double d; } v = { 0 };
    if (len(s) != 16) bad("a weight is the 16 hex digits of an IEEE-754 double", NULL);
    for (int i = 0; i < 16; i++) {
        int h = hexval(s[i]);
        if (h < 0) bad("bad weight ", s);
        v.u = v.u << 4 | (uint64_t)h;
    }
    if (!(v.d >= 0) || v.d > 1e300) bad("a weight must be finite and >= 0", NULL);
    return v.d;
}
static int arm_of(const char *s)
{
    if (eq(s, "baseline")) return BASELINE;
    if (eq(s, "candidate")) return CANDIDATE;
    bad("an arm is baseline or candidate, got ", s);
}
static void parse_target(char **p)
{
    int arm = arm_of(need(p, "target"));
    target_t *t = &cfg.target[arm];
    const char *ip = need(p, "target host"), *port = need(p, "target port");
    const char *s = ip;
    for (int i = 0; i < 4; i++) {
        uint32_t o = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) o = o * 10 + (uint32_t)(*s++ - '0'), digits++;
        if (!digits || o > 255 || (i < 3 ? *s++ != '.' : *s != 0)) bad("a target host is an IPv4 address, got ", ip);
        t->ip[i] = (uint8_t)o;
    }
    uint64_t pn = number(port, "target port", 65535);
    if (pn < 1) bad("bad target port", NULL);
    t->port = (uint16_t)pn;
    line_t l = { .n = 0 };
    add(&l, ip);
    add(&l, ":");
    add(&l, port);
    memcpy(t->text, l.b, l.n < sizeof t->text - 1 ? l.n : sizeof t->text - 1);
    cfg.have_target[arm] = 1;
}
static void parse_request(char **p)
{
    if (cfg.nreq == MAX_REQUESTS) bad("too many requests", NULL);
    request_t *r = &cfg.req[cfg.nreq++];
    r->weight = hex_double(need(p, "request weight"));
    r->head = (int)number(need(p, "request head flag"), "request head flag", 1);
    for (int arm = 0; arm < 2; arm++) r->wire[arm] = unhex(need(p, "request bytes"), &r->size[arm]);
    if (!r->size[0] || !r->size[1]) bad("empty request bytes", NULL);
}
static void parse_key(char *key, char **p)
{
    if (eq(key, "seed")) cfg.seed = (uint32_t)number(need(p, key), key, 0xffffffffu), cfg.have_seed = 1;
    else if (eq(key, "round")) cfg.round = number(need(p, key), key, 0xffffffffu);
    else if (eq(key, "rounds")) cfg.rounds = number(need(p, key), key, 1000000);
    else if (eq(key, "warmup")) cfg.warmup = number(need(p, key), key, 100000000);
    else if (eq(key, "pairs")) cfg.pairs = number(need(p, key), key, 1000000000);
    else if (eq(key, "concurrency")) cfg.concurrency = (int)number(need(p, key), key, MAX_CONCURRENCY);
    else if (eq(key, "timeout-ms")) cfg.timeout_ms = (long)number(need(p, key), key, 86400000);
    else if (eq(key, "wait-ready-ms")) cfg.wait_ready_ms = (long)number(need(p, key), key, 86400000);
    else if (eq(key, "ready-path")) cfg.ready_path = need(p, key);
    else if (eq(key, "out")) cfg.out = need(p, key);
    else if (eq(key, "target")) parse_target(p);
    else if (eq(key, "request")) parse_request(p);
    else if (eq(key, "connection")) {
        const char *v = need(p, key);
        if (eq(v, "keep-alive")) cfg.keep_alive = 1;
        else if (eq(v, "new")) cfg.keep_alive = 0;
        else bad("connection is keep-alive or new, got ", v);
    } else if (eq(key, "count")) {
        cfg.count = number(need(p, key), key, 100000000);
        cfg.count_file = field(p);
    } else bad("unknown key ", key);
    if (field(p)) bad("extra text after ", key);
}
static void check_config(void)
{
    cfg_line = 0;
    if (!cfg.have_seed) bad("seed is required", NULL);
    if (!cfg.have_target[BASELINE] || !cfg.have_target[CANDIDATE]) bad("both targets are required", NULL);
    if (!cfg.nreq) bad("at least one request is required", NULL);
    if (cfg.rounds < 1 || cfg.pairs < 1 || cfg.timeout_ms < 1) bad("rounds, pairs and timeout-ms must be >= 1", NULL);
    if (cfg.concurrency < 1) bad("concurrency must be 1..64", NULL);
    if (cfg.ready_path[0] != '/') bad("ready-path must start with /", NULL);
    double total = 0;
    for (int i = 0; i < cfg.nreq; i++) cfg.cum[i] = total += cfg.req[i].weight;
    if (!(total > 0)) bad("request weights sum to 0", NULL);
}
static void parse_config(char *text)
{
    char *p = text;
    while (*p) {
        cfg_line++;
        char *end = p;
        while (*end && *end != '\n') end++;
        char *next = *end ? end + 1 : end;
        *end = 0;
        if (end > p && end[-1] == '\r') end[-1] = 0;
        char *rest = p;
        char *key = field(&rest);
        if (key && key[0] != '#') parse_key(key, &rest);
        p = next;
    }
    check_config();
}

/* All of fd into buf (NUL-terminated); bytes read, or a negative errno. */
static long read_fd(long fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        long got = sys3(NR_read, fd, buf + n, cap - 1 - n);
        if (got == -E_INTR) continue;
        if (got < 0) return got;
        if (got == 0 || (n += (size_t)got) == cap - 1) break;
    }
    buf[n] = 0;
    return (long)n;
}

/* The whole of a small file into buf; "-" is stdin (a pipe or a socket, which /dev/stdin may not open). */
static long read_file(const char *path, char *buf, size_t cap)
{
    if (eq(path, "-")) return read_fd(0, buf, cap);
    long fd = sys6(NR_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
    if (fd < 0) return fd;
    long n = read_fd(fd, buf, cap);
    sys3(NR_close, fd, 0, 0);
    return n;
}

static void load_config(const char *path, char **envp)
{
    if (path) {
        long n = read_file(path, cfg_text, sizeof cfg_text);
        if (n < 0) bad("cannot read ", path);
        if ((size_t)n == sizeof cfg_text - 1) bad("too large: ", path);
    } else {
        const char *v = NULL;
        for (char **e = envp; *e; e++) {
            const char *s = *e, *k = "LOADGEN_CONFIG";
            while (*k && *s == *k) s++, k++;
            if (!*k && *s == '=') v = s + 1;
        }
        if (!v || !*v) bad("set LOADGEN_CONFIG to the config or pass a config file path", NULL);
        size_t n = len(v);
        if (n >= sizeof cfg_text) bad("LOADGEN_CONFIG is too large", NULL);
        memcpy(cfg_text, v, n + 1);
    }
    parse_config(cfg_text);
}

/* ---------------------------------------------------------------------------------------------- */
/* HTTP/1.x response parser for one response (1xx interim responses skipped), as the gate has always
 * read them: Content-Length, chunked, until close, HEAD/204/304 without a body. */

enum { P_HEAD, P_LENGTH, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_CRLF, P_TRAILERS, P_UNTIL_CLOSE, P_DONE };
enum { RB_SIZE = 64 * 1024, MAX_LINE = 8 * 1024 };

typedef struct {
    int state, status, keep_alive, head_request;
    uint64_t remaining;
    const char *error; /* set on a malformed response */
} parser_t;

static int malformed(parser_t *p, const char *why)
{
    p->error = why;
    return -1;
}

/* Finds "\r\n" in [s, e); NULL when absent. */
static const char *crlf(const char *s, const char *e)
{
    for (; s + 1 < e; s++)
        if (s[0] == '\r' && s[1] == '\n') return s;
    return NULL;
}

static int connection_tokens(const char *v, const char *e, int *close, int *keep)
{
    while (v < e) {
        while (v < e && (*v == ' ' || *v == '\t' || *v == ',')) v++;
        const char *t = v;
        while (v < e && *v != ',') v++;
        const char *te = v;
        while (te > t && (te[-1] == ' ' || te[-1] == '\t')) te--;
        if (word_is(t, (size_t)(te - t), "close")) *close = 1;
        if (word_is(t, (size_t)(te - t), "keep-alive")) *keep = 1;
    }
    return 0;
}

/* The head in [s, e) (without the final CRLFCRLF). */
static int parse_head(parser_t *p, const char *s, const char *e)
{
    const char *eol = crlf(s, e);
    if (!eol) eol = e;
    if (eol - s < 12 || !word_is(s, 7, "http/1.") || (s[7] != '0' && s[7] != '1') || s[8] != ' ' ||
        s[9] < '0' || s[9] > '9' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
        (eol - s > 12 && s[12] != ' '))
        return malformed(p, "bad status line");
    int minor = s[7] - '0';
    int status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    int64_t length = -1;
    int chunked = 0, close = 0, keep = 0;
    for (const char *l = eol + 2; l < e;) {
        const char *le = crlf(l, e);
        if (!le) le = e;
        const char *colon = l;
        while (colon < le && *colon != ':') colon++;
        if (colon == l || colon == le) return malformed(p, "bad header line");
        const char *n = l, *ne = colon;
        while (ne > n && (ne[-1] == ' ' || ne[-1] == '\t')) ne--;
        const char *v = colon + 1, *ve = le;
        while (v < ve && (*v == ' ' || *v == '\t')) v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        if (word_is(n, (size_t)(ne - n), "content-length")) {
            if (ve == v || ve - v > 15) return malformed(p, "bad Content-Length");
            int64_t x = 0;
            for (const char *c = v; c < ve; c++) {
                if (*c < '0' || *c > '9') return malformed(p, "bad Content-Length");
                x = x * 10 + (*c - '0');
            }
            if (length >= 0 && length != x) return malformed(p, "conflicting Content-Length");
            length = x;
        } else if (word_is(n, (size_t)(ne - n), "transfer-encoding")) {
            const char *last = ve;
            while (last > v && last[-1] != ',') last--;
            while (last < ve && (*last == ' ' || *last == '\t')) last++;
            chunked = word_is(last, (size_t)(ve - last), "chunked");
        } else if (word_is(n, (size_t)(ne - n), "connection")) {
            connection_tokens(v, ve, &close, &keep);
        }
        l = le + 2;
    }
    if (status >= 100 && status < 200 && status != 101) return 0; /* interim: the next head follows */
    p->status = status;
    p->keep_alive = minor == 1 ? !close : keep;
    if (status == 101) {
        p->keep_alive = 0;
        p->state = P_DONE;
    } else if (p->head_request || status == 204 || status == 304) p->state = P_DONE;
    else if (chunked) p->state = P_CHUNK_SIZE;
    else if (length >= 0) {
        p->remaining = (uint64_t)length;
        p->state = length == 0 ? P_DONE : P_LENGTH;
    } else {
        p->keep_alive = 0;
        p->state = P_UNTIL_CLOSE;
    }
    return 0;
}

static int chunk_size(parser_t *p, const char *s, const char *e)
{
    const char *x = s;
    while (x < e && *x == ' ') x++;
    uint64_t size = 0;
    int digits = 0;
    for (; x < e && hexval(*x) >= 0; x++, digits++) size = size << 4 | (uint64_t)hexval(*x);
    while (x < e && (*x == ' ' || *x == '\t')) x++;
    if (!digits || digits > 8 || (x < e && *x != ';')) return malformed(p, "bad chunk size");
    if (size == 0) p->state = P_TRAILERS;
    else {
        p->remaining = size;
        p->state = P_CHUNK_DATA;
    }
    return 0;
}

/*
 * Consumes what it can of buf[*lo, hi). Returns 1 when the response is complete (then *lo is past
 * it), 0 when it needs more bytes (the unconsumed tail starts at *lo), -1 on a malformed response.
 */
static int feed(parser_t *p, const char *buf, size_t *lo, size_t hi)
{
    size_t pos = *lo;
    int rc = 0;
    while (rc == 0 && pos < hi && p->state != P_DONE) {
        const char *s = buf + pos, *e = buf + hi;
        switch (p->state) {
        case P_HEAD: {
            const char *end = NULL;
            for (const char *c = s; c + 3 < e; c++)
                if (c[0] == '\r' && c[1] == '\n' && c[2] == '\r' && c[3] == '\n') {
                    end = c;
                    break;
                }
            if (!end) goto more;
            rc = parse_head(p, s, end);
            pos += (size_t)(end - s) + 4;
            break;
        }
        case P_LENGTH:
        case P_CHUNK_DATA: {
            uint64_t n = hi - pos < p->remaining ? hi - pos : p->remaining;
            p->remaining -= n;
            pos += n;
            if (!p->remaining) p->state = p->state == P_LENGTH ? P_DONE : P_CHUNK_CRLF;
            break;
        }
        case P_CHUNK_CRLF:
            if (hi - pos < 2) goto more;
            if (s[0] != '\r' || s[1] != '\n') return malformed(p, "missing CRLF after chunk");
            pos += 2;
            p->state = P_CHUNK_SIZE;
            break;
        case P_CHUNK_SIZE:
        case P_TRAILERS: {
            const char *eol = crlf(s, e);
            if (!eol) {
                if (hi - pos > MAX_LINE) return malformed(p, "chunk line too long");
                goto more;
            }
            if (p->state == P_TRAILERS) {
                if (eol == s) p->state = P_DONE;
            } else rc = chunk_size(p, s, eol);
            pos += (size_t)(eol - s) + 2;
            break;
        }
        case P_UNTIL_CLOSE:
            pos = hi;
            break;
        }
    }
    *lo = pos;
    if (rc < 0) return rc;
    if (p->state == P_DONE) {
        if (pos < hi) p->keep_alive = 0; /* bytes nobody asked for: the framing is no longer trusted */
        return 1;
    }
    return 0;
more:
    *lo = pos;
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* One closed-loop connection to one target: a lane. `concurrency N` gives each arm N lanes. */

typedef struct {
    int fd;
    const target_t *target;
} lane_t;

typedef struct {
    int status;              /* HTTP status, or 0 for an error */
    const char *error;       /* then what happened */
    char detail[96];         /* storage for composed messages */
    uint64_t start_ns, latency_ns;
} result_t;

static char rbuf[RB_SIZE];

/*
 * Counting only: before a connection is closed, wait until the server has closed its end (its EOF),
 * so the server's own calls for that connection fall before the next snapshot. Never in a round.
 */
static int drain_on_close;

static void lane_close(lane_t *l)
{
    if (l->fd < 0) return;
    if (drain_on_close) {
        sys3(NR_shutdown, l->fd, 1 /* SHUT_WR */, 0);
        while (sys3(NR_read, l->fd, rbuf, RB_SIZE) > 0) {}
    }
    sys3(NR_close, l->fd, 0, 0);
    l->fd = -1;
}

static const char *timeout_message(result_t *r, long ms)
{
    line_t l = { .n = 0 };
    add(&l, "timeout after ");
    add_u(&l, (uint64_t)ms);
    add(&l, " ms");
    memcpy(r->detail, l.b, l.n);
    r->detail[l.n] = 0;
    return r->detail;
}

/*
 * socket + TCP_NODELAY + send/receive timeouts (SO_SNDTIMEO also bounds connect) + connect.
 * `flags` SOCK_NONBLOCK for the concurrent lanes: then -E_INPROGRESS leaves the socket in l->fd.
 */
enum { SOCK_NONBLOCK = 04000 };
static long lane_connect(lane_t *l, long timeout_ms, int flags)
{
    long fd = sys3(NR_socket, 2 /* AF_INET */, 1 | 02000000 | flags /* SOCK_STREAM | SOCK_CLOEXEC */, 0);
    if (fd < 0) return fd;
    int one = 1;
    long tv[2] = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    sys6(NR_setsockopt, fd, 6 /* IPPROTO_TCP */, 1 /* TCP_NODELAY */, (long)&one, sizeof one, 0);
    sys6(NR_setsockopt, fd, 1 /* SOL_SOCKET */, 20 /* SO_RCVTIMEO */, (long)tv, sizeof tv, 0);
    sys6(NR_setsockopt, fd, 1, 21 /* SO_SNDTIMEO */, (long)tv, sizeof tv, 0);
    struct { uint16_t family; uint8_t port[2], addr[4], zero[8]; } sa = { 2, { 0 }, { 0 }, { 0 } };
    sa.port[0] = (uint8_t)(l->target->port >> 8); /* network byte order */
    sa.port[1] = (uint8_t)l->target->port;
    memcpy(sa.addr, l->target->ip, 4);
    long r;
    do r = sys3(NR_connect, fd, &sa, sizeof sa); while (r == -E_INTR);
    if (r < 0 && !(r == -E_INPROGRESS && flags)) {
        sys3(NR_close, fd, 0, 0);
        return r;
    }
    l->fd = (int)fd;
    return r;
}

static int send_all(int fd, const char *b, size_t n)
{
    while (n) {
        long w = sys6(NR_sendto, fd, (long)b, (long)n, 0x4000 /* MSG_NOSIGNAL */, 0, 0);
        if (w == -E_INTR) continue;
        if (w < 0) return (int)w;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static const char *malformed_message(result_t *r, const char *why)
{
    line_t m = { .n = 0 };
    add(&m, "malformed response: ");
    add(&m, why);
    memcpy(r->detail, m.b, m.n);
    r->detail[m.n] = 0;
    return r->detail;
}

static void fail(lane_t *l, result_t *r, const char *error)
{
    r->latency_ns = now_ns() - r->start_ns;
    r->status = 0;
    r->error = error;
    lane_close(l);
}

/*
 * One request, timed on CLOCK_MONOTONIC: keep-alive from just before the send (a connect, when the
 * lane has none, happens before the clock starts); 'new' from before the connect.
 */
static void lane_request(lane_t *l, const char *wire, size_t size, int head, long timeout_ms, int keep_alive, result_t *r)
{
    r->status = 0;
    r->error = NULL;
    if (!keep_alive) lane_close(l);
    r->start_ns = now_ns();
    if (l->fd < 0) {
        long c = lane_connect(l, timeout_ms, 0);
        if (c < 0) return fail(l, r, c == -E_INPROGRESS || c == -E_AGAIN ? timeout_message(r, timeout_ms) : errno_name(c));
        if (keep_alive) r->start_ns = now_ns();
    }
    int s = send_all(l->fd, wire, size);
    if (s < 0) return fail(l, r, s == -E_AGAIN ? timeout_message(r, timeout_ms) : errno_name(s));
    parser_t p = { .state = P_HEAD, .keep_alive = 1, .head_request = head };
    size_t lo = 0, hi = 0;
    uint64_t limit = (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        long got = sys3(NR_read, l->fd, rbuf + hi, RB_SIZE - hi);
        if (got == -E_INTR) continue;
        if (got < 0) return fail(l, r, got == -E_AGAIN ? timeout_message(r, timeout_ms) : errno_name(got));
        if (got == 0) {
            if (p.state == P_UNTIL_CLOSE) break;
            return fail(l, r, "connection closed before response complete");
        }
        hi += (size_t)got;
        int done = feed(&p, rbuf, &lo, hi);
        if (done < 0) return fail(l, r, malformed_message(r, p.error));
        if (done) break;
        /* Keep only the unconsumed tail (a partial head or chunk line) for the next read. */
        if (lo > 0) {
            memmove(rbuf, rbuf + lo, hi - lo);
            hi -= lo;
            lo = 0;
        }
        if (hi == RB_SIZE) return fail(l, r, "malformed response: response head too large");
        if (now_ns() - r->start_ns > limit) return fail(l, r, timeout_message(r, timeout_ms));
    }
    r->latency_ns = now_ns() - r->start_ns;
    if (r->latency_ns == 0) r->latency_ns = 1;
    r->status = p.status;
    if (!keep_alive || !p.keep_alive) lane_close(l);
}

/* ---------------------------------------------------------------------------------------------- */
/* Output: the samples CSV in batches of 64 rows, one write(2) each. */

enum { BATCH = 64 };
static char out_buf[BATCH * 96];
static size_t out_len;
static int out_rows, out_fd = 1;

static void write_all_or_exit(const char *b, size_t n)
{
    while (n) {
        long w = sys3(NR_write, out_fd, b, n);
        if (w == -E_INTR) continue;
        if (w <= 0) {
            line_t l = { .n = 0 };
            add(&l, "loadgen: failed writing output: ");
            add(&l, errno_name(w));
            say(&l);
            leave(3);
        }
        b += w;
        n -= (size_t)w;
    }
}
static void flush_rows(void)
{
    write_all_or_exit(out_buf, out_len);
    out_len = 0;
    out_rows = 0;
}
static void out_u(uint64_t v)
{
    char t[24], *p = t + sizeof t;
    do *--p = (char)('0' + v % 10); while (v /= 10);
    while (p < t + sizeof t) out_buf[out_len++] = *p++;
}
static void out_s(const char *s)
{
    while (*s) out_buf[out_len++] = *s++;
}
static void emit_row(uint64_t round, int arm, uint64_t seq, const result_t *r, uint64_t t0, int conn)
{
    out_u(round);
    out_buf[out_len++] = ',';
    out_s(ARM_NAME[arm]);
    out_buf[out_len++] = ',';
    out_u(seq);
    out_buf[out_len++] = ',';
    out_u(r->latency_ns ? r->latency_ns : 1);
    out_buf[out_len++] = ',';
    out_u(r->start_ns - t0);
    out_buf[out_len++] = ',';
    out_u((uint64_t)r->status);
    out_buf[out_len++] = ',';
    out_u((uint64_t)conn);
    out_buf[out_len++] = '\n';
    if (++out_rows == BATCH) flush_rows();
}

/* SIGINT and SIGTERM are blocked and polled between requests, outside the timed window. */
static void block_signals(void)
{
    ulong set = 1UL << (SIGINT - 1) | 1UL << (SIGTERM - 1);
    sys6(NR_rt_sigprocmask, 0 /* SIG_BLOCK */, (long)&set, 0, sizeof set, 0, 0);
}
static void stop_if_signalled(void)
{
    ulong pending = 0;
    sys3(NR_rt_sigpending, &pending, sizeof pending, 0);
    if (!(pending & (1UL << (SIGINT - 1) | 1UL << (SIGTERM - 1)))) return;
    flush_rows();
    leave(128 + (pending & 1UL << (SIGINT - 1) ? SIGINT : SIGTERM));
}

/* ---------------------------------------------------------------------------------------------- */
/* Rounds */

/* Weighted choice, as pickRequest: the index i with cum[i-1] <= u*total < cum[i]. */
static int pick_request(prng_t *g)
{
    if (cfg.nreq == 1) return 0;
    double x = (double)next_u32(g) / 4294967296.0 * cfg.cum[cfg.nreq - 1];
    int lo = 0, hi = cfg.nreq - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (x < cfg.cum[mid]) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

enum { MAX_MESSAGES = 10 };
static struct {
    char text[MAX_MESSAGES][128];
    int n;
} messages;

static void note(int arm, const result_t *r)
{
    if (r->status != 0 || !r->error || messages.n == MAX_MESSAGES) return;
    line_t l = { .n = 0 };
    add(&l, ARM_NAME[arm]);
    add(&l, ": ");
    add(&l, r->error);
    l.b[l.n < 127 ? l.n : 127] = 0;
    for (int i = 0; i < messages.n; i++)
        if (eq(messages.text[i], l.b)) return;
    memcpy(messages.text[messages.n++], l.b, (l.n < 127 ? l.n : 127) + 1);
}

static void send_one(lane_t *lane, int req, result_t *r)
{
    const request_t *q = &cfg.req[req];
    int arm = lane->target == &cfg.target[BASELINE] ? BASELINE : CANDIDATE;
    lane_request(lane, q->wire[arm], q->size[arm], q->head, cfg.timeout_ms, cfg.keep_alive, r);
}

/* What a round's lanes share: its streams, the arm that leads the warm-up, the next pair to run. */
typedef struct {
    uint64_t round, t0, next_pair, *errors;
    prng_t sched, mix, warm_mix;
    int lead;
} round_state_t;

static void round_begin(round_state_t *rs, uint64_t round, uint64_t *errors)
{
    uint32_t rnd = (uint32_t)round;
    prng_t start;
    prng_seed(&rs->sched, derive_seed(cfg.seed, rnd, STREAM_SCHEDULE));
    prng_seed(&rs->mix, derive_seed(cfg.seed, rnd, STREAM_MIX));
    prng_seed(&rs->warm_mix, derive_seed(cfg.seed, rnd, STREAM_WARMUP_MIX));
    prng_seed(&start, derive_seed(cfg.seed, rnd, STREAM_START_ORDER));
    rs->lead = next_bit(&start);
    rs->round = round;
    rs->errors = errors;
    rs->next_pair = 0;
    messages.n = 0;
    rs->t0 = now_ns();
}

/*
 * The order of the arms within recorded pair k: which one goes first. A fair coin per pair from the
 * round's schedule stream (pairSchedule in src/experiment/schedule.ts); the one place that decides it.
 */
static int pair_first_arm(round_state_t *rs, uint64_t k)
{
    (void)k;
    return next_bit(&rs->sched);
}

static void say_messages(uint64_t round)
{
    line_t l = { .n = 0 };
    for (int i = 0; i < messages.n; i++) {
        add(&l, "loadgen: round ");
        add_u(&l, round);
        add(&l, ": ");
        add(&l, messages.text[i]);
        say(&l);
    }
}

/* concurrency 1: warm-up (the first-started arm leads each pair), then the recorded pairs, one request in flight. */
static void run_pairs_blocking(round_state_t *rs)
{
    lane_t lanes[2] = { { -1, &cfg.target[BASELINE] }, { -1, &cfg.target[CANDIDATE] } };
    result_t r;
    int req = 0;
    for (uint64_t i = 0; i < 2 * cfg.warmup; i++) {
        if (i % 2 == 0) req = pick_request(&rs->warm_mix);
        int arm = i % 2 == 0 ? rs->lead : 1 - rs->lead;
        stop_if_signalled();
        send_one(&lanes[arm], req, &r);
        note(arm, &r);
    }
    for (uint64_t k = 0; k < cfg.pairs; k++) {
        int first = pair_first_arm(rs, k);
        req = pick_request(&rs->mix);
        for (int j = 0; j < 2; j++) {
            int arm = j == 0 ? first : 1 - first;
            stop_if_signalled();
            send_one(&lanes[arm], req, &r);
            if (r.status == 0) ++*rs->errors;
            note(arm, &r);
            emit_row(rs->round, arm, 2 * k + (uint64_t)j, &r, rs->t0, 0);
        }
    }
    lane_close(&lanes[0]);
    lane_close(&lanes[1]);
}

/* ---------------------------------------------------------------------------------------------- */
/*
 * concurrency N > 1: N closed loops, loop c owning lane c of each arm. A loop runs one pair at a time,
 * its two requests one after the other on its own two connections; when the pair is done it takes
 * the next one (warm-up pairs first, then the recorded ones), so N requests are in flight and a
 * pair's seq says when it was started. The coins and the mix are drawn in pair order, as above.
 */
enum { L_IDLE, L_CONNECTING, L_SENDING, L_READING };
enum { STEP_WAIT, STEP_ON, STEP_DONE };
enum { POLLIN = 1, POLLOUT = 4 };

typedef struct {
    lane_t lane[2];
    int conn, phase, step, first, req;
    uint64_t pair, deadline;
    size_t sent, lo, hi;
    parser_t parser;
    result_t r;
    char buf[RB_SIZE];
} closed_loop_t;

static closed_loop_t loops[MAX_CONCURRENCY];

static int loop_arm(const closed_loop_t *l) { return l->step == 0 ? l->first : 1 - l->first; }
static lane_t *loop_lane(closed_loop_t *l) { return &l->lane[loop_arm(l)]; }
static int is_warmup(const closed_loop_t *l) { return l->pair < cfg.warmup; }

static int take_pair(round_state_t *rs, closed_loop_t *l)
{
    if (rs->next_pair >= cfg.warmup + cfg.pairs) return 0;
    l->pair = rs->next_pair++;
    l->step = 0;
    if (is_warmup(l)) {
        l->first = rs->lead;
        l->req = pick_request(&rs->warm_mix);
    } else {
        l->first = pair_first_arm(rs, l->pair - cfg.warmup);
        l->req = pick_request(&rs->mix);
    }
    return 1;
}

static int step_failed(closed_loop_t *l, const char *error)
{
    fail(loop_lane(l), &l->r, error);
    return STEP_DONE;
}
static const char *errno_or_timeout(closed_loop_t *l, long err)
{
    return err == -E_AGAIN || err == -E_INPROGRESS ? timeout_message(&l->r, cfg.timeout_ms) : errno_name(err);
}

static int connected(closed_loop_t *l)
{
    int err = 0, size = sizeof err;
    sys6(NR_getsockopt, loop_lane(l)->fd, 1 /* SOL_SOCKET */, 4 /* SO_ERROR */, (long)&err, (long)&size, 0);
    if (err) return step_failed(l, errno_or_timeout(l, -err));
    if (cfg.keep_alive) l->r.start_ns = now_ns();
    l->phase = L_SENDING;
    return STEP_ON;
}

/* Starts the loop's current request; as lane_request, keep-alive times from just before the send. */
static int start_request(closed_loop_t *l)
{
    lane_t *lane = loop_lane(l);
    l->r.status = 0;
    l->r.error = NULL;
    l->parser = (parser_t){ .state = P_HEAD, .keep_alive = 1, .head_request = cfg.req[l->req].head };
    l->sent = l->lo = l->hi = 0;
    if (!cfg.keep_alive) lane_close(lane);
    l->r.start_ns = now_ns();
    l->deadline = l->r.start_ns + (uint64_t)cfg.timeout_ms * 1000000u;
    l->phase = lane->fd < 0 ? L_CONNECTING : L_SENDING;
    if (lane->fd >= 0) return STEP_ON;
    long c = lane_connect(lane, cfg.timeout_ms, SOCK_NONBLOCK);
    if (c < 0 && c != -E_INPROGRESS) return step_failed(l, errno_name(c));
    return c == 0 ? connected(l) : STEP_WAIT;
}

/* Sends what the socket takes; once all is sent the response cannot be there yet: wait for it. */
static int send_some(closed_loop_t *l)
{
    const request_t *q = &cfg.req[l->req];
    int arm = loop_arm(l);
    long w = sys6(NR_sendto, loop_lane(l)->fd, (long)(q->wire[arm] + l->sent), (long)(q->size[arm] - l->sent), 0x4000 /* MSG_NOSIGNAL */, 0, 0);
    if (w == -E_AGAIN) return STEP_WAIT;
    if (w == -E_INTR) return STEP_ON;
    if (w < 0) return step_failed(l, errno_name(w));
    if ((l->sent += (size_t)w) < q->size[arm]) return STEP_ON;
    l->phase = L_READING;
    return STEP_WAIT;
}

static int response_complete(closed_loop_t *l)
{
    result_t *r = &l->r;
    r->latency_ns = now_ns() - r->start_ns;
    if (r->latency_ns == 0) r->latency_ns = 1;
    r->status = l->parser.status;
    if (!cfg.keep_alive || !l->parser.keep_alive) lane_close(loop_lane(l));
    return STEP_DONE;
}

/* One read of what ppoll said is there; the rest of a partial response comes with the next event. */
static int read_some(closed_loop_t *l)
{
    long got = sys3(NR_read, loop_lane(l)->fd, l->buf + l->hi, RB_SIZE - l->hi);
    if (got == -E_AGAIN) return STEP_WAIT;
    if (got == -E_INTR) return STEP_ON;
    if (got < 0) return step_failed(l, errno_name(got));
    if (got == 0) return l->parser.state == P_UNTIL_CLOSE ? response_complete(l) : step_failed(l, "connection closed before response complete");
    l->hi += (size_t)got;
    int done = feed(&l->parser, l->buf, &l->lo, l->hi);
    if (done < 0) return step_failed(l, malformed_message(&l->r, l->parser.error));
    if (done) return response_complete(l);
    if (l->lo > 0) { /* keep only the unconsumed tail for the next read */
        memmove(l->buf, l->buf + l->lo, l->hi - l->lo);
        l->hi -= l->lo;
        l->lo = 0;
    }
    if (l->hi == RB_SIZE) return step_failed(l, "malformed response: response head too large");
    if (now_ns() > l->deadline) return step_failed(l, timeout_message(&l->r, cfg.timeout_ms));
    return STEP_WAIT;
}

/* A request ended (answered or failed): its row, then the pair's second request, or the next pair. */
static int request_done(round_state_t *rs, closed_loop_t *l)
{
    int arm = loop_arm(l);
    note(arm, &l->r);
    if (!is_warmup(l)) {
        if (l->r.status == 0) ++*rs->errors;
        emit_row(rs->round, arm, 2 * (l->pair - cfg.warmup) + (uint64_t)l->step, &l->r, rs->t0, l->conn);
    }
    if (++l->step == 2 && !take_pair(rs, l)) {
        l->phase = L_IDLE;
        return STEP_WAIT;
    }
    return start_request(l);
}

/* Follows step result `s` as far as the loop goes without waiting (a connect ends only by ppoll). */
static void advance(round_state_t *rs, closed_loop_t *l, int s)
{
    for (;;) {
        while (s == STEP_DONE) s = request_done(rs, l);
        if (s == STEP_WAIT) return;
        s = l->phase == L_SENDING ? send_some(l) : l->phase == L_READING ? read_some(l) : STEP_WAIT;
    }
}

/* What ppoll's answer (or its silence until the deadline at `now`) means for a busy loop. */
static int poll_result(closed_loop_t *l, short revents, uint64_t now)
{
    if (revents) return l->phase == L_CONNECTING ? connected(l) : STEP_ON;
    if (now > l->deadline) return step_failed(l, timeout_message(&l->r, cfg.timeout_ms));
    return STEP_WAIT;
}

typedef struct { int fd; short events, revents; } pollfd_t;

/* Fills the poll set with the busy loops' sockets; returns how many, and the nearest deadline. */
static int poll_set(pollfd_t *fds, closed_loop_t **busy, int n, uint64_t *deadline)
{
    int k = 0;
    *deadline = (uint64_t)-1;
    for (int c = 0; c < n; c++) {
        closed_loop_t *l = &loops[c];
        if (l->phase == L_IDLE) continue;
        fds[k] = (pollfd_t){ loop_lane(l)->fd, (short)(l->phase == L_READING ? POLLIN : POLLOUT), 0 };
        busy[k++] = l;
        if (l->deadline < *deadline) *deadline = l->deadline;
    }
    return k;
}

static void wait_for_sockets(pollfd_t *fds, int k, uint64_t deadline)
{
    uint64_t t = now_ns(), wait = deadline > t ? deadline - t : 0;
    long ts[2] = { (long)(wait / 1000000000u), (long)(wait % 1000000000u) };
    sys6(NR_ppoll, (long)fds, k, (long)ts, 0, 8, 0);
}

static void run_pairs_concurrent(round_state_t *rs)
{
    int n = cfg.concurrency;
    pollfd_t fds[MAX_CONCURRENCY];
    closed_loop_t *busy[MAX_CONCURRENCY];
    for (int c = 0; c < n; c++) {
        closed_loop_t *l = &loops[c];
        *l = (closed_loop_t){ .lane = { { -1, &cfg.target[BASELINE] }, { -1, &cfg.target[CANDIDATE] } }, .conn = c, .phase = L_IDLE };
        if (take_pair(rs, l)) advance(rs, l, start_request(l));
    }
    uint64_t deadline;
    for (int k; (k = poll_set(fds, busy, n, &deadline)) > 0;) {
        stop_if_signalled();
        wait_for_sockets(fds, k, deadline);
        uint64_t now = now_ns();
        for (int i = 0; i < k; i++) advance(rs, busy[i], poll_result(busy[i], fds[i].revents, now));
    }
    for (int c = 0; c < n; c++) {
        lane_close(&loops[c].lane[0]);
        lane_close(&loops[c].lane[1]);
    }
}

/* One round: warm-up and recorded pairs, on one lane per arm or on `concurrency` of them. */
static uint64_t run_round(uint64_t round, uint64_t *errors)
{
    round_state_t rs;
    round_begin(&rs, round, errors);
    if (cfg.concurrency == 1) run_pairs_blocking(&rs);
    else run_pairs_concurrent(&rs);
    say_messages(round);
    return 2 * cfg.pairs;
}

/* ---------------------------------------------------------------------------------------------- */
/* Readiness: GET ready-path on a new connection until a 2xx or the deadline. */

static char ready_wire[2][4200];

static const char *ready_request(int arm, size_t *size)
{
    line_t l = { .n = 0 };
    add(&l, "GET ");
    add(&l, cfg.ready_path);
    add(&l, " HTTP/1.1\r\nHost: ");
    add(&l, cfg.target[arm].text);
    add(&l, "\r\nConnection: close\r\n\r\n");
    memcpy(ready_wire[arm], l.b, l.n);
    *size = l.n;
    return ready_wire[arm];
}

static int wait_ready(int arm)
{
    uint64_t deadline = now_ns() + (uint64_t)cfg.wait_ready_ms * 1000000u;
    size_t size;
    const char *wire = ready_request(arm, &size);
    lane_t lane = { -1, &cfg.target[arm] };
    result_t r;
    char last[128] = "no attempt";
    for (;;) {
        uint64_t t = now_ns();
        long left = t < deadline ? (long)((deadline - t) / 1000000u) : 0;
        lane_request(&lane, wire, size, 0, left < 50 ? 50 : left > 1000 ? 1000 : left, 0, &r);
        lane_close(&lane);
        if (r.status >= 200 && r.status < 300) return 0;
        line_t l = { .n = 0 };
        if (r.status) {
            add(&l, "HTTP ");
            add_u(&l, (uint64_t)r.status);
        } else add(&l, r.error);
        l.b[l.n < 127 ? l.n : 127] = 0;
        memcpy(last, l.b, (l.n < 127 ? l.n : 127) + 1);
        if (now_ns() + 50000000u > deadline) break;
        sleep_ms(50);
    }
    line_t l = { .n = 0 };
    add(&l, "loadgen: target ");
    add(&l, ARM_NAME[arm]);
    add(&l, " (");
    add(&l, cfg.target[arm].text);
    add(&l, cfg.ready_path);
    add(&l, ") not ready after ");
    add_u(&l, (uint64_t)cfg.wait_ready_ms);
    add(&l, " ms: ");
    add(&l, last);
    say(&l);
    return 3;
}

/* ---------------------------------------------------------------------------------------------- */
/* --count: the counting preload's snapshots (SIGUSR2 to the pid in FILE.pid, FILE until a line
 * "end") around `count` sequential requests to the candidate, the mix drawn as the gate draws it. */

static char snap[2][64 * 1024];
enum { SETTLE_MS = 20 };

static int count_fail(const char *what, const char *detail, const char *tail)
{
    line_t l = { .n = 0 };
    add(&l, "loadgen: ");
    add(&l, what);
    if (detail) add(&l, detail);
    if (tail) add(&l, tail);
    say(&l);
    return 3;
}

static int has_end_line(const char *t)
{
    for (const char *s = t; *s;) {
        const char *e = s;
        while (*e && *e != '\n') e++;
        if (e - s == 3 && s[0] == 'e' && s[1] == 'n' && s[2] == 'd' && *e == '\n') return 1;
        s = *e ? e + 1 : e;
    }
    return 0;
}

static int snapshot(const char *file, char *into)
{
    static char pid_path[4200], pid_text[64];
    size_t n = len(file);
    if (n + 5 > sizeof pid_path) return count_fail("count file path too long", NULL, NULL);
    memcpy(pid_path, file, n);
    memcpy(pid_path + n, ".pid", 5);
    if (read_file(pid_path, pid_text, sizeof pid_text) < 0)
        return count_fail("no ", pid_path, ": the counting preload is not loaded in the SUT (statically linked, or LD_PRELOAD overridden?)");
    const char *p = pid_text;
    long pid = 0;
    while (*p >= '0' && *p <= '9') pid = pid * 10 + (*p++ - '0');
    sys3(NR_unlinkat, AT_FDCWD, file, 0);
    long k = pid > 0 ? sys3(NR_kill, pid, SIGUSR2, 0) : -3;
    if (k < 0) return count_fail("cannot signal the SUT: ", errno_name(k), " (does the pod share its process namespace?)");
    for (int i = 0; i < 500; i++) {
        if (read_file(file, into, sizeof snap[0]) >= 0 && has_end_line(into)) return 0;
        sleep_ms(10);
    }
    return count_fail("the counting preload wrote no counts to ", file, " within 5000 ms of SIGUSR2 (does the SUT replace the SIGUSR2 handler?)");
}

/* `count` sequential requests to the candidate; a failed one ends the count (exit 3). */
static int drive_sequential(void)
{
    prng_t mix;
    prng_seed(&mix, derive_seed(cfg.seed, (uint32_t)cfg.round, STREAM_MIX));
    lane_t lane = { -1, &cfg.target[CANDIDATE] };
    result_t r;
    for (uint64_t i = 0; i < cfg.count; i++) {
        send_one(&lane, pick_request(&mix), &r);
        if (r.status == 0) {
            line_t l = { .n = 0 };
            add(&l, "loadgen: request ");
            add_u(&l, i + 1);
            add(&l, " of ");
            add_u(&l, cfg.count);
            add(&l, " failed: ");
            add(&l, r.error);
            say(&l);
            lane_close(&lane);
            return 3;
        }
    }
    lane_close(&lane);
    return 0;
}

static int count_mode(void)
{
    if (!cfg.count) {
        cfg_line = 0;
        bad("--count needs `count N [FILE]` in the config", NULL);
    }
    drain_on_close = 1; /* the readiness check's connection too: closed before the first snapshot */
    if (cfg.wait_ready_ms > 0 && wait_ready(CANDIDATE)) return 3;
    /* The server's EOF arrives as its close() returns, a moment before a counting wrapper adds the
     * call up: a short pause so each connection's close falls on one side of a snapshot. */
    sleep_ms(SETTLE_MS);
    if (cfg.count_file && snapshot(cfg.count_file, snap[0])) return 3;
    if (drive_sequential()) return 3;
    sleep_ms(SETTLE_MS);
    if (cfg.count_file) {
        if (snapshot(cfg.count_file, snap[1])) return 3;
        write_all_or_exit("counts-before\n", 14);
        write_all_or_exit(snap[0], len(snap[0]));
        write_all_or_exit("counts-after\n", 13);
        write_all_or_exit(snap[1], len(snap[1]));
    }
    line_t l = { .n = 0 };
    add(&l, "requests ");
    add_u(&l, cfg.count);
    l.b[l.n++] = '\n';
    write_all_or_exit(l.b, l.n);
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */

static int open_output(void)
{
    if (!cfg.out) return 0;
    long fd = sys6(NR_openat, AT_FDCWD, (long)cfg.out, O_WRONLY_CREAT_TRUNC_CLOEXEC, 0644, 0, 0);
    if (fd >= 0) {
        out_fd = (int)fd;
        return 0;
    }
    line_t l = { .n = 0 };
    add(&l, "loadgen: cannot open output ");
    add(&l, cfg.out);
    add(&l, ": ");
    add(&l, errno_name(fd));
    say(&l);
    return 3;
}

/* ---------------------------------------------------------------------------------------------- */
/* --join: SHA-256 (FIPS 180-4) over the joined parts, so a hook split across ConfigMaps arrives whole. */

typedef struct { uint32_t h[8]; uint8_t block[64]; size_t used; uint64_t bytes; } sha256_t;
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
static uint32_t ror(uint32_t x, int k) { return (x >> k) | (x << (32 - k)); }
static void sha_block(sha256_t *c)
{
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)c->block[4 * i] << 24 | (uint32_t)c->block[4 * i + 1] << 16 | (uint32_t)c->block[4 * i + 2] << 8 | c->block[4 * i + 3];
    for (int i = 16; i < 64; i++)
        w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
    for (int i = 0; i < 8; i++) v[i] = c->h[i];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + K256[i] + w[i];
        uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        for (int j = 7; j > 0; j--) v[j] = v[j - 1];
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) c->h[i] += v[i];
}
static void sha_init(sha256_t *c)
{
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, h0, sizeof h0);
    c->used = 0;
    c->bytes = 0;
}
static void sha_add(sha256_t *c, const char *p, size_t n)
{
    c->bytes += n;
    while (n--) {
        c->block[c->used++] = (uint8_t)*p++;
        if (c->used == 64) sha_block(c), c->used = 0;
    }
}
static void sha_hex(sha256_t *c, char out[65])
{
    uint64_t bits = c->bytes * 8;
    uint8_t pad = 0x80;
    sha_add(c, (const char *)&pad, 1);
    pad = 0;
    while (c->used != 56) sha_add(c, (const char *)&pad, 1);
    for (int i = 7; i >= 0; i--) {
        uint8_t b = (uint8_t)(bits >> (8 * i));
        c->block[c->used++] = b;
    }
    sha_block(c);
    for (int i = 0; i < 32; i++) {
        uint8_t b = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
        out[2 * i] = "0123456789abcdef"[b >> 4];
        out[2 * i + 1] = "0123456789abcdef"[b & 15];
    }
    out[64] = 0;
}

static int join_fail(const char *what, const char *name, long err)
{
    line_t l = { .n = 0 };
    add(&l, "loadgen --join: ");
    add(&l, what);
    add(&l, name);
    if (err) {
        add(&l, ": ");
        add(&l, errno_name(err));
    }
    say(&l);
    return 1;
}

static int join_parts(int argc, char **argv)
{
    if (argc < 5) return join_fail("usage: loadgen --join OUT SHA256 PART...", "", 0);
    long out = sys6(NR_openat, AT_FDCWD, (long)argv[2], O_WRONLY_CREAT_TRUNC_CLOEXEC, 0555, 0, 0);
    if (out < 0) return join_fail("cannot create ", argv[2], out);
    sha256_t sha;
    sha_init(&sha);
    for (int i = 4; i < argc; i++) {
        long fd = sys6(NR_openat, AT_FDCWD, (long)argv[i], O_RDONLY, 0, 0, 0);
        if (fd < 0) return join_fail("cannot read ", argv[i], fd);
        for (;;) {
            long got = sys3(NR_read, fd, rbuf, RB_SIZE);
            if (got == -E_INTR) continue;
            if (got < 0) return join_fail("cannot read ", argv[i], got);
            if (got == 0) break;
            sha_add(&sha, rbuf, (size_t)got);
            for (long off = 0; off < got;) {
                long w = sys3(NR_write, out, rbuf + off, got - off);
                if (w <= 0) return join_fail("cannot write ", argv[2], w);
                off += w;
            }
        }
        sys3(NR_close, fd, 0, 0);
    }
    sys3(NR_close, out, 0, 0);
    char hex[65];
    sha_hex(&sha, hex);
    if (!eq(hex, argv[3])) {
        line_t l = { .n = 0 };
        add(&l, "loadgen --join: the parts joined to sha256 ");
        add(&l, hex);
        add(&l, ", expected ");
        add(&l, argv[3]);
        say(&l);
        return 1;
    }
    return 0;
}

/* --idle: SIGINT/SIGTERM (not blocked here) end it with their default action. */
static __attribute__((noreturn)) int idle(void)
{
    for (;;) sys6(NR_ppoll, 0, 0, 0, 0, 0, 0);
}

static int xoshiro_outputs(int argc, char **argv)
{
    if (argc != 7) return 2;
    prng_t g;
    for (int i = 0; i < 4; i++) g.s[i] = (uint32_t)number(argv[2 + i], "state", 0xffffffffu);
    uint64_t n = number(argv[6], "count", 1000000);
    line_t l = { .n = 0 };
    while (n--) {
        add_u(&l, next_u32(&g));
        l.b[l.n++] = '\n';
        sys3(NR_write, 1, l.b, l.n);
        l.n = 0;
    }
    return 0;
}

static int run(int argc, char **argv, char **envp)
{
    if (argc > 1 && eq(argv[1], "--xoshiro")) return xoshiro_outputs(argc, argv);
    if (argc > 1 && eq(argv[1], "--join")) return join_parts(argc, argv);
    if (argc > 1 && eq(argv[1], "--idle")) return idle();
    int counting = argc > 1 && eq(argv[1], "--count");
    const char *path = argc > 1 + counting && argv[1 + counting][0] ? argv[1 + counting] : NULL;
    load_config(path, envp);
    block_signals();
    if (counting) return count_mode();
    for (int arm = 0; arm < 2 && cfg.wait_ready_ms > 0; arm++)
        if (wait_ready(arm)) return 3;
    if (open_output()) return 3;
    static const char header[] = "round,arm,seq,latency_ns,start_ns,status,conn\n";
    write_all_or_exit(header, sizeof header - 1);
    uint64_t samples = 0, errors = 0;
    for (uint64_t i = 0; i < cfg.rounds; i++) {
        samples += run_round(cfg.round + i, &errors);
        flush_rows();
    }
    line_t l = { .n = 0 };
    add(&l, "loadgen: done ");
    add_u(&l, samples);
    add(&l, " samples, ");
    add_u(&l, errors);
    add(&l, " errors");
    say(&l);
    return 0;
}

__attribute__((used)) void start_c(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    leave(run(argc, argv, argv + argc + 1));
}
