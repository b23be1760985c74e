/* readhook.c - the "firewall" hook: scans what accepted inet sockets read for
 * keywords (HOOK_KEYWORDS), logs or blocks (HOOK_MODE). Next-symbol pointers are
 * resolved once (constructor, pthread_once fallback); no allocation on the hot path.
 * Wraps read, recv, accept, accept4, close. See README.md.
 */
#include "firewall.h"
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:readhook";
const char fw_hook_name[] = "readhook";

__attribute__((constructor)) static void readhook_init(void)
{
    hl_next_init();
    fw_init();
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    fw_count(FW_READ);
    ssize_t n = NEXT(read)(fd, buf, count);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    fw_count(FW_RECV);
    ssize_t n = NEXT(recv)(fd, buf, len, flags);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    fw_count(FW_ACCEPT);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = NEXT(accept)(fd, sa, len);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    fw_count(FW_ACCEPT4);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = NEXT(accept4)(fd, sa, len, flags);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int close(int fd)
{
    fw_count(FW_CLOSE);
    fw_unmark(fd); /* before the fd number can be reused */
    return NEXT(close)(fd);
}
