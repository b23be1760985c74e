/* hooklib.h - small helpers shared by every hook in this folder.
 *
 * Header-only (static functions); each hook .so includes it once. Nothing here
 * allocates or uses stdio, so it is safe on the hot path and in constructors.
 */
#ifndef HOOK_LATENCY_HOOKLIB_H
#define HOOK_LATENCY_HOOKLIB_H

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HOOK_EXPORT __attribute__((visibility("default")))
#define HOOK_HIDDEN __attribute__((visibility("hidden")))
#define HOOK_LIKELY(x) __builtin_expect(!!(x), 1)
#define HOOK_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Signatures of the wrapped functions (the "next" definitions). */
typedef ssize_t (*hl_read_fn)(int, void *, size_t);
typedef ssize_t (*hl_recv_fn)(int, void *, size_t, int);
typedef int (*hl_accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*hl_accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*hl_close_fn)(int);

/* Syscall fallbacks, used only if dlsym(RTLD_NEXT, ...) finds nothing, so a
 * wrapper never calls through a NULL pointer. */
static inline ssize_t hl_sys_read(int fd, void *buf, size_t n) { return syscall(SYS_read, fd, buf, n); }
static inline ssize_t hl_sys_recv(int fd, void *buf, size_t n, int flags)
{
    return syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
}
static inline int hl_sys_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
    return (int)syscall(SYS_accept4, fd, sa, len, 0);
}
static inline int hl_sys_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
    return (int)syscall(SYS_accept4, fd, sa, len, flags);
}
static inline int hl_sys_close(int fd) { return (int)syscall(SYS_close, fd); }

/* Look up the next definition of NAME (RTLD_NEXT) or fall back to FALLBACK. */
#define HL_DLSYM_NEXT(type, name, fallback)                                                   \
    __extension__({                                                                           \
        void *hl_p_ = dlsym(RTLD_NEXT, name);                                                 \
        hl_p_ ? (type)hl_p_ : (type)(fallback);                                               \
    })

/* ---- write(2)-only diagnostics (no stdio, no allocation) ---- */

struct hl_line {
    char b[512];
    size_t n;
};

static inline void hl_put(struct hl_line *l, const char *s, size_t n)
{
    size_t room = sizeof(l->b) - 1 - l->n;
    if (n > room) n = room;
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static inline void hl_puts(struct hl_line *l, const char *s) { hl_put(l, s, strlen(s)); }

static inline void hl_putu(struct hl_line *l, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i);
    hl_put(l, tmp + i, sizeof(tmp) - i);
}

static inline void hl_write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static inline void hl_emit(int fd, struct hl_line *l)
{
    int saved = errno;
    hl_write_all(fd, l->b, l->n);
    errno = saved;
}

/* HOOK_VERBOSE=1 ? */
static inline int hl_verbose(void)
{
    const char *v = getenv("HOOK_VERBOSE");
    return v && v[0] == '1' && v[1] == '\0';
}

/* Parse an unsigned decimal env var; DEF when unset or invalid. */
static inline unsigned long long hl_env_u64(const char *name, unsigned long long def)
{
    const char *v = getenv(name);
    if (!v || !*v) return def;
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || !end || *end != '\0' || v[0] == '-') return def;
    return x;
}

static inline uint64_t hl_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Busy-wait NS nanoseconds on CLOCK_MONOTONIC (vDSO, no syscall). */
static inline void hl_busy_wait_ns(uint64_t ns)
{
    if (!ns) return;
    uint64_t start = hl_now_ns();
    while (hl_now_ns() - start < ns) {
        /* no pause instruction: it can cost ~40 ns on some CPUs and coarsen the wait */
    }
}

#endif
