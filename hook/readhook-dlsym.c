/* readhook-dlsym.c - the same firewall as readhook.c, written the naive way:
 * dlsym(RTLD_NEXT, ...) on EVERY call. Exists to show (and measure) what that
 * costs. The scanning logic is shared with readhook.c (firewall.c).
 */
#include "firewall.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:readhook-dlsym";
const char fw_hook_name[] = "readhook-dlsym";

#define NAIVE_NEXT(type, name, fallback) HL_DLSYM_NEXT(type, name, fallback)

__attribute__((constructor)) static void readhook_dlsym_init(void) { fw_init(); }

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    fw_count(FW_READ);
    ssize_t n = NAIVE_NEXT(hl_read_fn, "read", hl_sys_read)(fd, buf, count);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    fw_count(FW_RECV);
    ssize_t n = NAIVE_NEXT(hl_recv_fn, "recv", hl_sys_recv)(fd, buf, len, flags);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    fw_count(FW_ACCEPT);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = NAIVE_NEXT(hl_accept_fn, "accept", hl_sys_accept)(fd, sa, len);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    fw_count(FW_ACCEPT4);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = NAIVE_NEXT(hl_accept4_fn, "accept4", hl_sys_accept4)(fd, sa, len, flags);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int close(int fd)
{
    fw_count(FW_CLOSE);
    fw_unmark(fd);
    return NAIVE_NEXT(hl_close_fn, "close", hl_sys_close)(fd);
}
