/* count.c - the counting preload: counts the SUT's calls of each function below
 * and forwards every call to the next definition (the user's hook when it is
 * placed after this library in LD_PRELOAD, else libc). Used in an extra,
 * unmeasured instance to learn calls per request without ptrace:
 *
 *   LD_PRELOAD=hook/build/count.so:./myhook.so HOOK_LATENCY_COUNT_FILE=/tmp/c ./sut
 *
 * The counts ("name count" lines, then "end") are written to
 * $HOOK_LATENCY_COUNT_FILE on SIGUSR2 and at exit, atomically (a temporary
 * file renamed over it). Without the variable nothing is written and no signal
 * handler is installed. A SUT that installs its own SIGUSR2 handler replaces
 * ours: then only the exit snapshot is written. At start the process writes
 * its pid to $HOOK_LATENCY_COUNT_FILE.pid, so a helper in another container of
 * a pod (sharing its PID namespace) knows whom to signal.
 *
 * Counters are relaxed atomics (thread-safe, no ordering needed: they are read
 * only in a snapshot). The snapshot uses raw syscalls, so it is
 * async-signal-safe and never counts (or runs the hook on) its own I/O.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* X(name, return type, (params), (args)) for every counted function. */
#define COUNTED(X)                                                                                  \
    X(read, ssize_t, (int fd, void *b, size_t n), (fd, b, n))                                       \
    X(readv, ssize_t, (int fd, const struct iovec *v, int n), (fd, v, n))                           \
    X(recv, ssize_t, (int fd, void *b, size_t n, int f), (fd, b, n, f))                             \
    X(recvfrom, ssize_t, (int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l),      \
      (fd, b, n, f, a, l))                                                                          \
    X(recvmsg, ssize_t, (int fd, struct msghdr *m, int f), (fd, m, f))                              \
    X(write, ssize_t, (int fd, const void *b, size_t n), (fd, b, n))                                \
    X(writev, ssize_t, (int fd, const struct iovec *v, int n), (fd, v, n))                          \
    X(send, ssize_t, (int fd, const void *b, size_t n, int f), (fd, b, n, f))                       \
    X(sendto, ssize_t, (int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l), \
      (fd, b, n, f, a, l))                                                                          \
    X(sendmsg, ssize_t, (int fd, const struct msghdr *m, int f), (fd, m, f))                        \
    X(accept, int, (int fd, struct sockaddr *a, socklen_t *l), (fd, a, l))                          \
    X(accept4, int, (int fd, struct sockaddr *a, socklen_t *l, int f), (fd, a, l, f))               \
    X(connect, int, (int fd, const struct sockaddr *a, socklen_t l), (fd, a, l))                    \
    X(close, int, (int fd), (fd))                                                                   \
    X(epoll_wait, int, (int e, struct epoll_event *v, int n, int t), (e, v, n, t))                  \
    X(epoll_pwait, int, (int e, struct epoll_event *v, int n, int t, const sigset_t *s), (e, v, n, t, s)) \
    X(poll, int, (struct pollfd *p, nfds_t n, int t), (p, n, t))

/* open and openat are variadic (the mode); counted separately below. */
#define ALL_NAMES(X) COUNTED(X) X(open, , , ) X(openat, , , )

enum {
#define ENUM(name, r, p, a) C_##name,
    ALL_NAMES(ENUM)
#undef ENUM
    C_COUNT
};

static const char *const names[C_COUNT] = {
#define NAME(name, r, p, a) #name,
    ALL_NAMES(NAME)
#undef NAME
};

static uint64_t counts[C_COUNT];
static void *next_fn[C_COUNT];
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static char count_file[4096];

static void resolve(void)
{
    for (int i = 0; i < C_COUNT; i++) __atomic_store_n(&next_fn[i], dlsym(RTLD_NEXT, names[i]), __ATOMIC_RELEASE);
}

static void *next_of(int i)
{
    void *f = __atomic_load_n(&next_fn[i], __ATOMIC_ACQUIRE);
    if (__builtin_expect(!f, 0)) {
        pthread_once(&resolve_once, resolve);
        f = __atomic_load_n(&next_fn[i], __ATOMIC_ACQUIRE);
    }
    return f;
}

#define WRAP(name, ret, params, args)                                     \
    EXPORT ret name params                                                \
    {                                                                     \
        __atomic_fetch_add(&counts[C_##name], 1, __ATOMIC_RELAXED);       \
        ret(*next_) params = (ret(*) params)next_of(C_##name);            \
        if (!next_) {                                                     \
            errno = ENOSYS;                                               \
            return -1;                                                    \
        }                                                                 \
        return next_ args;                                                \
    }
COUNTED(WRAP)
#undef WRAP

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    __atomic_fetch_add(&counts[C_open], 1, __ATOMIC_RELAXED);
    int (*f)(const char *, int, ...) = (int (*)(const char *, int, ...))next_of(C_open);
    return f ? f(path, flags, mode) : (errno = ENOSYS, -1);
}

EXPORT int openat(int dir, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    __atomic_fetch_add(&counts[C_openat], 1, __ATOMIC_RELAXED);
    int (*f)(int, const char *, int, ...) = (int (*)(int, const char *, int, ...))next_of(C_openat);
    return f ? f(dir, path, flags, mode) : (errno = ENOSYS, -1);
}

/* ---- the snapshot: raw syscalls only (async-signal-safe, not counted) ---- */

static size_t put_str(char *b, size_t n, size_t cap, const char *s)
{
    while (*s && n < cap) b[n++] = *s++;
    return n;
}

static size_t put_u64(char *b, size_t n, size_t cap, uint64_t v)
{
    char d[20];
    int k = 0;
    do d[k++] = (char)('0' + v % 10); while ((v /= 10) && k < 20);
    while (k > 0 && n < cap) b[n++] = d[--k];
    return n;
}

static void write_snapshot(void)
{
    if (!count_file[0]) return;
    int saved = errno;
    char tmp[sizeof(count_file) + 8];
    size_t t = put_str(tmp, 0, sizeof(tmp) - 1, count_file);
    t = put_str(tmp, t, sizeof(tmp) - 1, ".tmp");
    tmp[t] = '\0';
    char buf[C_COUNT * 40 + 8];
    size_t n = 0;
    for (int i = 0; i < C_COUNT; i++) {
        n = put_str(buf, n, sizeof(buf), names[i]);
        n = put_str(buf, n, sizeof(buf), " ");
        n = put_u64(buf, n, sizeof(buf), __atomic_load_n(&counts[i], __ATOMIC_RELAXED));
        n = put_str(buf, n, sizeof(buf), "\n");
    }
    n = put_str(buf, n, sizeof(buf), "end\n");
    long fd = syscall(SYS_openat, AT_FDCWD, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        size_t off = 0;
        while (off < n) {
            long w = syscall(SYS_write, (int)fd, buf + off, n - off);
            if (w <= 0) break;
            off += (size_t)w;
        }
        syscall(SYS_close, (int)fd);
        if (off == n) syscall(SYS_renameat, AT_FDCWD, tmp, AT_FDCWD, count_file);
    }
    errno = saved;
}

/* <count file>.pid: this process's pid, for whoever sends SIGUSR2 from outside. */
static void write_pid_file(void)
{
    char path[sizeof(count_file) + 8];
    size_t n = put_str(path, 0, sizeof(path) - 1, count_file);
    n = put_str(path, n, sizeof(path) - 1, ".pid");
    path[n] = '\0';
    char buf[24];
    size_t len = put_u64(buf, 0, sizeof(buf) - 1, (uint64_t)syscall(SYS_getpid));
    buf[len++] = '\n';
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    syscall(SYS_write, (int)fd, buf, len);
    syscall(SYS_close, (int)fd);
}

static void on_snapshot_signal(int sig)
{
    (void)sig;
    write_snapshot();
}

__attribute__((constructor)) static void count_init(void)
{
    pthread_once(&resolve_once, resolve);
    const char *f = getenv("HOOK_LATENCY_COUNT_FILE");
    if (!f || !*f || strlen(f) >= sizeof(count_file)) return;
    memcpy(count_file, f, strlen(f) + 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_snapshot_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    write_pid_file();
}

__attribute__((destructor)) static void count_fini(void) { write_snapshot(); }
