/* pin.c - CPU placement helper: sets a CPU affinity, then execs a command, or sets the affinity of
 * every thread of a running process.
 *
 *   pin CPUS -- PROG [ARGS...]    pin this process to CPUS, then exec PROG (searched in $PATH);
 *                                 its threads and children inherit the affinity
 *   pin CPUS -p PID               pin every thread in /proc/PID/task to CPUS
 *   pin CPUS -t TID               pin the one thread TID (e.g. a process's main thread, TID = PID)
 *   pin -l                        print the CPUs this process may use (its affinity), e.g. "0-3"
 *
 * CPUS is a list ("0", "0,2-3") or "@N": the N-th CPU (0-based) of the CPUs this process may use
 * now, "@-1" the last. "@N" lets a pod pin its containers relative to whatever cpuset the node gives
 * them.
 *
 * Static and freestanding (no libc; raw syscalls on x86-64 and aarch64; make -C hook pin), so:
 * LD_PRELOAD never applies to the wrapper itself, only to the program it execs; it runs in any
 * container image (glibc, musl or none); and it is a few KiB, small enough to travel in a
 * ConfigMap through `kubectl apply` (whose last-applied annotation is limited to 256 KiB).
 * It prints nothing unless something fails. Exit codes: 2 bad usage, 126 affinity refused,
 * 127 PROG not found or not executable.
 */
#include "freestanding.h"

typedef unsigned long ulong;

#if defined(__x86_64__)
enum { NR_write = 1, NR_close = 3, NR_execve = 59, NR_sched_setaffinity = 203, NR_sched_getaffinity = 204,
       NR_getdents64 = 217, NR_exit_group = 231, NR_openat = 257 };
#elif defined(__aarch64__)
enum { NR_write = 64, NR_close = 57, NR_execve = 221, NR_sched_setaffinity = 122, NR_sched_getaffinity = 123,
       NR_getdents64 = 61, NR_exit_group = 94, NR_openat = 56 };
#endif

enum { E_NOENT = 2, E_SRCH = 3, E_ACCES = 13, E_NOTDIR = 20, E_INVAL = 22, E_PERM = 1 };
#define AT_FDCWD (-100)
#define O_RDONLY 0 /* enough for getdents64 on a directory */

#define MAX_CPUS 1024
typedef struct { ulong bits[MAX_CPUS / (8 * sizeof(ulong))]; } cpuset;
#define WORD(c) ((c) / (8 * sizeof(ulong)))
#define BIT(c) (1UL << ((c) % (8 * sizeof(ulong))))

static void put(int fd, const char *s) { sys3(NR_write, fd, (long)s, (long)len(s)); }
static void put_num(int fd, long v)
{
    char buf[24], *p = buf + sizeof buf;
    int neg = v < 0;
    ulong u = neg ? (ulong)-v : (ulong)v;
    *--p = 0;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (neg) *--p = '-';
    put(fd, p);
}
static const char *why(long err)
{
    switch (-err) {
    case E_NOENT: return "No such file or directory";
    case E_ACCES: return "Permission denied";
    case E_INVAL: return "Invalid argument";
    case E_PERM: return "Operation not permitted";
    case E_SRCH: return "No such process";
    default: return "error";
    }
}
static void fail(const char *what, const char *name, long err)
{
    put(2, "pin: ");
    put(2, what);
    if (name) put(2, name);
    if (err) {
        put(2, ": ");
        put(2, why(err));
        put(2, " (errno ");
        put_num(2, -err);
        put(2, ")");
    }
    put(2, "\n");
}
static __attribute__((noreturn)) void leave(int code)
{
    for (;;) sys3(NR_exit_group, code, 0, 0);
}

static int usage(void)
{
    put(2, "usage: pin CPUS -- PROG [ARGS...] | pin CPUS -p PID | pin CPUS -t TID | pin -l\n"
           "  CPUS: a list such as 0,2-3, or @N (N-th allowed CPU, @-1 = last)\n");
    return 2;
}

static int count(const cpuset *s)
{
    int n = 0;
    for (int c = 0; c < MAX_CPUS; c++) n += (s->bits[WORD(c)] & BIT(c)) != 0;
    return n;
}

static int allowed(cpuset *s)
{
    memset(s, 0, sizeof *s);
    long r = sys3(NR_sched_getaffinity, 0, sizeof *s, (long)s);
    if (r < 0) fail("sched_getaffinity", NULL, r);
    return r < 0 ? -1 : 0;
}

/* A decimal number at *p (optionally negative); advances *p. */
static int number(const char **p, long *out)
{
    const char *s = *p;
    int neg = *s == '-';
    if (neg) s++;
    if (*s < '0' || *s > '9') return -1;
    long v = 0;
    while (*s >= '0' && *s <= '9' && v < 1000000) v = v * 10 + (*s++ - '0');
    *out = neg ? -v : v;
    *p = s;
    return 0;
}

/* "@N": the N-th CPU of the allowed set (negative counts from the end). */
static int nth_allowed(const char *spec, cpuset *out)
{
    long n;
    cpuset set;
    if (number(&spec, &n) != 0 || *spec != '\0' || allowed(&set) != 0) return -1;
    int total = count(&set);
    if (n < 0) n += total;
    if (n < 0 || n >= total) {
        put(2, "pin: only ");
        put_num(2, total);
        put(2, " CPUs are allowed\n");
        return -1;
    }
    memset(out, 0, sizeof *out);
    for (int c = 0; c < MAX_CPUS; c++) {
        if ((set.bits[WORD(c)] & BIT(c)) && n-- == 0) {
            out->bits[WORD(c)] |= BIT(c);
            return 0;
        }
    }
    return -1;
}

/* "0,2-3" */
static int parse_list(const char *p, cpuset *out)
{
    memset(out, 0, sizeof *out);
    while (*p) {
        long lo, hi;
        if (number(&p, &lo) != 0) return -1;
        hi = lo;
        if (*p == '-') {
            p++;
            if (number(&p, &hi) != 0) return -1;
        }
        if (lo < 0 || hi < lo || hi >= MAX_CPUS) return -1;
        for (long c = lo; c <= hi; c++) out->bits[WORD(c)] |= BIT(c);
        if (*p == ',') p++;
        else if (*p != '\0') return -1;
    }
    return count(out) > 0 ? 0 : -1;
}

static int parse_cpus(const char *spec, cpuset *out)
{
    int rc = spec[0] == '@' ? nth_allowed(spec + 1, out) : parse_list(spec, out);
    if (rc != 0) {
        put(2, "pin: bad CPU list '");
        put(2, spec);
        put(2, "'\n");
    }
    return rc;
}

static void print_list(const cpuset *s)
{
    int first = 1;
    for (int c = 0; c < MAX_CPUS; c++) {
        if (!(s->bits[WORD(c)] & BIT(c))) continue;
        int hi = c;
        while (hi + 1 < MAX_CPUS && (s->bits[WORD(hi + 1)] & BIT(hi + 1))) hi++;
        if (!first) put(1, ",");
        put_num(1, c);
        if (hi > c) {
            put(1, "-");
            put_num(1, hi);
        }
        first = 0;
        c = hi;
    }
    put(1, "\n");
}

/* Every thread of PID; a thread that exits meanwhile (ESRCH) is no error. */
static int pin_pid(const char *pid, const cpuset *set)
{
    char path[64] = "/proc/";
    size_t n = 6;
    for (const char *p = pid; *p && n < 40; p++) path[n++] = *p;
    memcpy(path + n, "/task", 6);
    long fd = sys3(NR_openat, AT_FDCWD, (long)path, O_RDONLY);
    if (fd < 0) {
        fail("", path, fd);
        return 1;
    }
    static char buf[8192] __attribute__((aligned(8)));
    int failed = 0;
    for (;;) {
        long got = sys3(NR_getdents64, fd, (long)buf, sizeof buf);
        if (got <= 0) break;
        for (long off = 0; off < got;) {
            /* struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[] */
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            const char *name = buf + off + 19;
            off += reclen;
            if (name[0] == '.') continue;
            long tid;
            const char *q = name;
            if (number(&q, &tid) != 0) continue;
            long r = sys3(NR_sched_setaffinity, tid, sizeof *set, (long)set);
            if (r < 0 && r != -E_SRCH) {
                fail("thread ", name, r);
                failed = 1;
            }
        }
    }
    sys3(NR_close, fd, 0, 0);
    return failed;
}

/* One thread. */
static int pin_tid(const char *tid, const cpuset *set)
{
    long t;
    const char *q = tid;
    if (number(&q, &t) != 0 || *q != '\0' || t <= 0) return usage();
    long r = sys3(NR_sched_setaffinity, t, sizeof *set, (long)set);
    if (r < 0) fail("thread ", tid, r);
    return r < 0 ? 1 : 0;
}

/* execvp: PROG as given when it holds a '/', else each $PATH entry in turn. */
static long exec_path(char **argv, char **envp)
{
    const char *prog = argv[0];
    for (const char *p = prog; *p; p++)
        if (*p == '/') return sys3(NR_execve, (long)prog, (long)argv, (long)envp);
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (char **e = envp; *e; e++)
        if ((*e)[0] == 'P' && (*e)[1] == 'A' && (*e)[2] == 'T' && (*e)[3] == 'H' && (*e)[4] == '=') path = *e + 5;
    long err = -E_NOENT;
    static char full[4096];
    size_t plen = len(prog);
    for (const char *dir = path;;) {
        const char *end = dir;
        while (*end && *end != ':') end++;
        size_t dlen = (size_t)(end - dir);
        if (dlen + plen + 2 <= sizeof full) {
            memcpy(full, dir, dlen);
            size_t at = dlen;
            if (dlen) full[at++] = '/';
            memcpy(full + at, prog, plen + 1);
            long r = sys3(NR_execve, (long)full, (long)argv, (long)envp);
            if (r != -E_NOENT && r != -E_NOTDIR) err = r; /* e.g. EACCES: remember, keep looking */
        }
        if (!*end) break;
        dir = end + 1;
    }
    return err;
}

static int run(int argc, char **argv, char **envp)
{
    cpuset set;
    if (argc == 2 && eq(argv[1], "-l")) {
        if (allowed(&set) != 0) return 1;
        print_list(&set);
        return 0;
    }
    if (argc < 4 || parse_cpus(argv[1], &set) != 0) return usage();
    if (eq(argv[2], "-p") && argc == 4) return pin_pid(argv[3], &set);
    if (eq(argv[2], "-t") && argc == 4) return pin_tid(argv[3], &set);
    if (!eq(argv[2], "--")) return usage();
    long r = sys3(NR_sched_setaffinity, 0, sizeof set, (long)&set);
    if (r < 0) {
        fail("sched_setaffinity", NULL, r);
        return 126;
    }
    r = exec_path(argv + 3, envp);
    fail("", argv[3], r);
    return 127;
}

__attribute__((used)) void start_c(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    leave(run(argc, argv, argv + argc + 1));
}
