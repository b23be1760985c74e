/* noop.c - wraps read, recv, accept, accept4, close and only forwards (next
 * pointers resolved once). The floor: the cost of being interposed at all.
 */
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:noop";

__attribute__((constructor)) static void noop_init(void)
{
    hl_next_init();
    if (hl_verbose()) {
        static const char msg[] = "hook-latency[noop]: loaded\n";
        hl_write_all(2, msg, sizeof(msg) - 1);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count) { return NEXT(read)(fd, buf, count); }

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags) { return NEXT(recv)(fd, buf, len, flags); }

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    return NEXT(accept)(fd, addr.__sockaddr__, len);
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    return NEXT(accept4)(fd, addr.__sockaddr__, len, flags);
}

HOOK_EXPORT int close(int fd) { return NEXT(close)(fd); }
