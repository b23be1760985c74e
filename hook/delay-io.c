/* delay-io.c - forwards, and busy-waits HOOK_DELAY_NS nanoseconds (default
 * 20000, parsed once) after EVERY call of the functions below: the ones the
 * micro driver exercises beyond delay.so's read() and recv(). A known cost per
 * call, to check that each micro driver sees a hook's cost at its size.
 */
#include "hooklib.h"

#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/uio.h>

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:delay-io";

/* X(name, return type, (params), (args)) for every delayed function but openat (variadic). */
#define DELAYED(X)                                                                                  \
    X(readv, ssize_t, (int fd, const struct iovec *v, int n), (fd, v, n))                           \
    X(recvfrom, ssize_t, (int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l),      \
      (fd, b, n, f, a, l))                                                                          \
    X(recvmsg, ssize_t, (int fd, struct msghdr *m, int f), (fd, m, f))                              \
    X(writev, ssize_t, (int fd, const struct iovec *v, int n), (fd, v, n))                          \
    X(sendto, ssize_t, (int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l), \
      (fd, b, n, f, a, l))                                                                          \
    X(sendmsg, ssize_t, (int fd, const struct msghdr *m, int f), (fd, m, f))                        \
    X(connect, int, (int fd, const struct sockaddr *a, socklen_t l), (fd, a, l))                    \
    X(epoll_wait, int, (int e, struct epoll_event *v, int n, int t), (e, v, n, t))                  \
    X(epoll_pwait, int, (int e, struct epoll_event *v, int n, int t, const sigset_t *s), (e, v, n, t, s)) \
    X(poll, int, (struct pollfd *p, nfds_t n, int t), (p, n, t))

static uint64_t delay_ns = 20000;

/* The next definitions, resolved in the constructor (-z now: libc is loaded by then). */
#define NEXT_PTR(name, ret, params, args) static ret(*next_##name) params;
DELAYED(NEXT_PTR)
#undef NEXT_PTR
static int (*next_openat)(int, const char *, int, ...);

__attribute__((constructor)) static void delay_io_init(void)
{
#define RESOLVE(name, ret, params, args) next_##name = (ret(*) params)dlsym(RTLD_NEXT, #name);
    DELAYED(RESOLVE)
#undef RESOLVE
    next_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
    delay_ns = hl_env_u64("HOOK_DELAY_NS", 20000);
}

#define WRAP(name, ret, params, args)    \
    HOOK_EXPORT ret name params          \
    {                                    \
        if (HOOK_UNLIKELY(!next_##name)) \
            return errno = ENOSYS, -1;   \
        ret r = next_##name args;        \
        int saved = errno;               \
        hl_busy_wait_ns(delay_ns);       \
        errno = saved;                   \
        return r;                        \
    }
DELAYED(WRAP)
#undef WRAP

HOOK_EXPORT int openat(int dir, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    if (HOOK_UNLIKELY(!next_openat)) return errno = ENOSYS, -1;
    int r = next_openat(dir, path, flags, mode);
    int saved = errno;
    hl_busy_wait_ns(delay_ns);
    errno = saved;
    return r;
}
