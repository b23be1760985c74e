/* delay.c - forwards, and busy-waits HOOK_DELAY_NS nanoseconds (default 20000,
 * parsed once) after EVERY read() and recv() call, whatever the fd. A known,
 * tunable slowdown for validating the benchmark end to end.
 * accept, accept4 and close are forwarded without delay.
 */
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:delay";

static uint64_t delay_ns = 20000;

__attribute__((constructor)) static void delay_init(void)
{
    hl_next_init();
    delay_ns = hl_env_u64("HOOK_DELAY_NS", 20000);
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[delay]: loaded, delay_ns=");
        hl_putu(&l, delay_ns);
        hl_puts(&l, "\n");
        hl_emit(2, &l);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    ssize_t n = NEXT(read)(fd, buf, count);
    int saved = errno;
    hl_busy_wait_ns(delay_ns);
    errno = saved;
    return n;
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    ssize_t n = NEXT(recv)(fd, buf, len, flags);
    int saved = errno;
    hl_busy_wait_ns(delay_ns);
    errno = saved;
    return n;
}

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    return NEXT(accept)(fd, addr.__sockaddr__, len);
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    return NEXT(accept4)(fd, addr.__sockaddr__, len, flags);
}

HOOK_EXPORT int close(int fd) { return NEXT(close)(fd); }
