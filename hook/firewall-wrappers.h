/* firewall-wrappers.h - the wrappers of a firewall hook (read, recv, accept,
 * accept4, close), shared by readhook.c and readhook-dlsym.c, which differ only
 * in how they find the next definition of a function. Include it once, after
 * defining FW_NEXT(name): an expression giving the next definition of NAME.
 */
#ifndef FW_NEXT
#error "define FW_NEXT(name) before including firewall-wrappers.h"
#endif

#include "firewall.h"

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    fw_count(FW_READ);
    ssize_t n = FW_NEXT(read)(fd, buf, count);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    fw_count(FW_RECV);
    ssize_t n = FW_NEXT(recv)(fd, buf, len, flags);
    return fw_after_read(fd, buf, n);
}

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    fw_count(FW_ACCEPT);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = FW_NEXT(accept)(fd, sa, len);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    fw_count(FW_ACCEPT4);
    struct sockaddr *sa = addr.__sockaddr__;
    int c = FW_NEXT(accept4)(fd, sa, len, flags);
    if (c >= 0) fw_on_accept(fd, c, sa, len);
    return c;
}

HOOK_EXPORT int close(int fd)
{
    fw_count(FW_CLOSE);
    fw_unmark(fd); /* before the fd number can be reused */
    return FW_NEXT(close)(fd);
}
